using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Auth;

/// <summary>
/// A volunteer team of a community (e.g. 永兴帮帮团): its members are volunteer and building-head accounts
/// (<see cref="Account.TeamId"/>), their rounds and confirmations are counted per month for the community's recognition.
/// </summary>
public sealed class VolunteerTeam
{
    public long Id { get; set; }

    public required string CommunityId { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}

/// <summary>The volunteers' table.</summary>
public static class VolunteerTables
{
    extension(CloudDb db)
    {
        /// <summary>The communities' volunteer teams.</summary>
        public DbSet<VolunteerTeam> VolunteerTeams => db.Set<VolunteerTeam>();
    }
}

internal sealed class VolunteerTeamMapping : IEntityTypeConfiguration<VolunteerTeam>
{
    public void Configure(EntityTypeBuilder<VolunteerTeam> e)
    {
        e.ToTable("volunteer_teams");
        e.Property(t => t.CommunityId).HasMaxLength(64);
        e.Property(t => t.Name).HasMaxLength(64);
        e.Property(t => t.CreatedBy).HasMaxLength(256);
        e.HasIndex(t => new { t.CommunityId, t.Name }).IsUnique();
    }
}
