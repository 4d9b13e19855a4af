using Iot.Cloud.Auth;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

// Accounts live in the same database as everything else (Identity's user tables only: roles are a column, not a table).
public abstract partial class CloudDb
{
    private static void OnAccountsModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.Property(a => a.Role).HasConversion<string>().HasMaxLength(40);
            e.Property(a => a.PartyId).HasMaxLength(64);
            e.Property(a => a.CommunityId).HasMaxLength(64);
            e.Property(a => a.DisplayName).HasMaxLength(64);
            e.Property(a => a.CreatedBy).HasMaxLength(256);
            e.HasIndex(a => a.PartyId);
        });
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<string>>(e => e.ToTable("account_claims"));
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<string>>(e => e.ToTable("account_logins"));
        modelBuilder.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>(e => e.ToTable("account_tokens"));
    }
}
