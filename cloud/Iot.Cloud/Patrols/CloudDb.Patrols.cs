using Iot.Cloud.Data;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Patrols;

/// <summary>The patrols' tables: plans, rounds and their checks.</summary>
public static class PatrolTables
{
    extension(CloudDb db)
    {
        /// <summary>One plan per block.</summary>
        public DbSet<PatrolPlan> PatrolPlans => db.Set<PatrolPlan>();

        /// <summary>Every round walked.</summary>
        public DbSet<PatrolRound> PatrolRounds => db.Set<PatrolRound>();

        /// <summary>The checks of the rounds.</summary>
        public DbSet<PatrolCheck> PatrolChecks => db.Set<PatrolCheck>();
    }
}

internal sealed class PatrolPlanMapping : IEntityTypeConfiguration<PatrolPlan>
{
    public void Configure(EntityTypeBuilder<PatrolPlan> e)
    {
        e.ToTable("patrol_plans");
        e.Property(p => p.BlockId).HasMaxLength(64);
        e.Property(p => p.CommunityId).HasMaxLength(64);
        e.Property(p => p.UpdatedBy).HasMaxLength(256);
        e.Property(p => p.Frequency).HasConversion<string>().HasMaxLength(16);
        e.HasIndex(p => p.BlockId).IsUnique();
        e.Property(p => p.Version).IsConcurrencyToken();

        // Short lists of ids, stored as one line of text each (no query looks inside them).
        e.Property(p => p.Courtyards).HasConversion(
            v => string.Join(' ', v.Select(c => c.Value)),
            v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(CourtyardId.Parse).ToList(),
            new ValueComparer<List<CourtyardId>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, c) => HashCode.Combine(h, c.GetHashCode())), v => v.ToList()));
        e.Property(p => p.Items).HasConversion(
            v => string.Join(' ', v),
            v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, c) => HashCode.Combine(h, c.GetHashCode(StringComparison.Ordinal))), v => v.ToList()));
    }
}

internal sealed class PatrolRoundMapping : IEntityTypeConfiguration<PatrolRound>
{
    public void Configure(EntityTypeBuilder<PatrolRound> e)
    {
        e.ToTable("patrol_rounds");
        e.Property(r => r.Key).HasMaxLength(64);
        e.HasIndex(r => r.Key).IsUnique();
        e.Property(r => r.BlockId).HasMaxLength(64);
        e.Property(r => r.CommunityId).HasMaxLength(64);
        e.Property(r => r.PartyId).HasMaxLength(64);
        e.Property(r => r.By).HasMaxLength(256);
        e.Property(r => r.ByRole).HasConversion<string>().HasMaxLength(40);
        e.HasIndex(r => new { r.CourtyardId, r.WalkedAt });
        e.HasIndex(r => new { r.CommunityId, r.WalkedAt });
        e.HasMany(r => r.Checks).WithOne().HasForeignKey(c => c.RoundId);
    }
}

internal sealed class PatrolCheckMapping : IEntityTypeConfiguration<PatrolCheck>
{
    public void Configure(EntityTypeBuilder<PatrolCheck> e)
    {
        e.ToTable("patrol_checks");
        e.Property(c => c.Item).HasMaxLength(32);
        e.Property(c => c.Note).HasMaxLength(500);
        e.HasIndex(c => c.WorkOrderId);
    }
}
