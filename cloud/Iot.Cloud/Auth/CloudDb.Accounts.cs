using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Iot.Cloud.Data;

namespace Iot.Cloud.Auth;

// Accounts live in the same database as everything else (Identity's user tables only: roles are a column, not a table).
internal sealed class AccountMapping :
    IEntityTypeConfiguration<Account>,
    IEntityTypeConfiguration<IdentityUserClaim<string>>,
    IEntityTypeConfiguration<IdentityUserLogin<string>>,
    IEntityTypeConfiguration<IdentityUserToken<string>>
{
    public void Configure(EntityTypeBuilder<Account> e)
    {
        e.ToTable("accounts");
        e.Property(a => a.Role).HasConversion<string>().HasMaxLength(40);
        e.Property(a => a.PartyId).HasMaxLength(64);
        e.Property(a => a.CommunityId).HasMaxLength(64);
        e.Property(a => a.BlockId).HasMaxLength(64);
        e.Property(a => a.DisabledBy).HasMaxLength(256);
        e.HasIndex(a => a.CommunityId);
        e.Property(a => a.DisplayName).HasMaxLength(64);
        e.Property(a => a.CreatedBy).HasMaxLength(256);
        e.HasIndex(a => a.PartyId);
    }

    public void Configure(EntityTypeBuilder<IdentityUserClaim<string>> e) => e.ToTable("account_claims");

    public void Configure(EntityTypeBuilder<IdentityUserLogin<string>> e) => e.ToTable("account_logins");

    public void Configure(EntityTypeBuilder<IdentityUserToken<string>> e) => e.ToTable("account_tokens");
}
