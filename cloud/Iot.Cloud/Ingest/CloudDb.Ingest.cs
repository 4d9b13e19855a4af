using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Ingest;

/// <summary>What ingest keeps besides the time series: dedupe state, boot anchors, dead letters, events, results.</summary>
public static class IngestTables
{
    extension(CloudDb db)
    {
        /// <summary>When each boot of each agent started, to place boot-relative readings.</summary>
        public DbSet<BootAnchor> BootAnchors => db.Set<BootAnchor>();

        /// <summary>The sequence window of each boot of each agent (dedupe, gaps).</summary>
        public DbSet<SequenceState> Sequences => db.Set<SequenceState>();

        /// <summary>Messages refused, with why.</summary>
        public DbSet<DeadLetter> DeadLetters => db.Set<DeadLetter>();

        /// <summary>Device events as stored, marked until the rules have seen them.</summary>
        public DbSet<DeviceEventRecord> DeviceEvents => db.Set<DeviceEventRecord>();

        /// <summary>Boot-relative readings waiting for their boot's anchor.</summary>
        public DbSet<UnplacedReading> UnplacedReadings => db.Set<UnplacedReading>();

        /// <summary>Agents' answers to commands.</summary>
        public DbSet<CommandResultRecord> CommandResults => db.Set<CommandResultRecord>();
    }
}

internal sealed class IngestMapping :
    IEntityTypeConfiguration<BootAnchor>, IEntityTypeConfiguration<SequenceState>, IEntityTypeConfiguration<DeadLetter>,
    IEntityTypeConfiguration<DeviceEventRecord>, IEntityTypeConfiguration<UnplacedReading>, IEntityTypeConfiguration<CommandResultRecord>
{
    public void Configure(EntityTypeBuilder<BootAnchor> e)
    {
        e.ToTable("boot_anchors");
        e.HasKey(b => new { b.AgentId, b.BootId });
        e.HasIndex(b => b.UpdatedAt);
    }

    public void Configure(EntityTypeBuilder<SequenceState> e)
    {
        e.ToTable("sequence_states");
        e.HasKey(s => new { s.AgentId, s.BootId });
        e.HasIndex(s => s.UpdatedAt);
    }

    public void Configure(EntityTypeBuilder<DeadLetter> e)
    {
        e.ToTable("dead_letters");
        e.HasIndex(d => d.ReceivedAt);
        e.HasIndex(d => d.AgentId);
    }

    public void Configure(EntityTypeBuilder<DeviceEventRecord> e)
    {
        e.ToTable("device_events");
        e.HasIndex(d => new { d.AgentId, d.BootId, d.Seq }).IsUnique();
        e.HasIndex(d => new { d.CourtyardId, d.At });
        e.HasIndex(d => d.Evaluated);
    }

    public void Configure(EntityTypeBuilder<UnplacedReading> e)
    {
        e.ToTable("unplaced_readings");
        e.HasIndex(u => new { u.AgentId, u.BootId });
        e.HasIndex(u => u.ReceivedAt);
    }

    public void Configure(EntityTypeBuilder<CommandResultRecord> e)
    {
        e.ToTable("command_results");
        e.HasIndex(c => c.CommandId);
    }
}
