using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

/// <summary>
/// The cloud's relational store. It maps the site registry and what ingest keeps (presence, dedupe state, dead
/// letters, events); every other feature maps its own tables and reaches them as <c>db.X</c> extension properties.
/// Two providers, each with its own migrations: <see cref="SqliteCloudDb"/> (default) and <see cref="PostgresCloudDb"/>.
/// </summary>
public abstract partial class CloudDb(DbContextOptions options) : IdentityUserContext<Account>(options)
{
    public DbSet<SiteEntry> Sites => Set<SiteEntry>();

    public DbSet<Party> Parties => Set<Party>();

    public DbSet<Community> Communities => Set<Community>();

    public DbSet<Block> Blocks => Set<Block>();

    public DbSet<Courtyard> Courtyards => Set<Courtyard>();

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<AgentPresence> Presence => Set<AgentPresence>();

    public DbSet<BootAnchor> BootAnchors => Set<BootAnchor>();

    public DbSet<SequenceState> Sequences => Set<SequenceState>();

    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    public DbSet<DeviceEventRecord> DeviceEvents => Set<DeviceEventRecord>();

    public DbSet<UnplacedReading> UnplacedReadings => Set<UnplacedReading>();

    public DbSet<CommandResultRecord> CommandResults => Set<CommandResultRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder);
        // Each feature maps its own tables (CloudDb.<Feature>.cs in its folder); this file maps the registry and ingest's.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CloudDb).Assembly);
        modelBuilder.Entity<SiteEntry>(e => e.ToTable("sites"));
        modelBuilder.Entity<Party>(e => e.ToTable("parties"));
        modelBuilder.Entity<Community>(e => e.ToTable("communities"));
        modelBuilder.Entity<Block>(e =>
        {
            e.ToTable("blocks");
            e.HasIndex(b => b.CommunityId);
        });
        modelBuilder.Entity<Courtyard>(e =>
        {
            e.ToTable("courtyards");
            e.HasIndex(c => c.CommunityId);
            e.HasIndex(c => c.ResponsiblePartyId);
        });
        modelBuilder.Entity<Agent>(e =>
        {
            e.ToTable("agents");
            e.HasIndex(a => a.CourtyardId);
        });
        modelBuilder.Entity<Device>(e =>
        {
            e.ToTable("devices");
            e.HasKey(d => new { d.AgentId, d.Id });
        });
        modelBuilder.Entity<AgentPresence>(e =>
        {
            e.ToTable("agent_presence");
            e.HasKey(p => p.AgentId);
            e.Property(p => p.State).HasConversion(new WireNameConverter<Iot.Protocol.Messages.Presence>());
        });
        modelBuilder.Entity<BootAnchor>(e =>
        {
            e.ToTable("boot_anchors");
            e.HasKey(b => new { b.AgentId, b.BootId });
        });
        modelBuilder.Entity<SequenceState>(e =>
        {
            e.ToTable("sequence_states");
            e.HasKey(s => new { s.AgentId, s.BootId });
        });
        modelBuilder.Entity<DeadLetter>(e =>
        {
            e.ToTable("dead_letters");
            e.HasIndex(d => d.ReceivedAt);
            e.HasIndex(d => d.AgentId);
        });
        modelBuilder.Entity<DeviceEventRecord>(e =>
        {
            e.ToTable("device_events");
            e.HasIndex(d => new { d.AgentId, d.BootId, d.Seq }).IsUnique();
            e.HasIndex(d => new { d.CourtyardId, d.At });
            e.HasIndex(d => d.Evaluated);
        });
        modelBuilder.Entity<UnplacedReading>(e =>
        {
            e.ToTable("unplaced_readings");
            e.HasIndex(u => new { u.AgentId, u.BootId });
        });
        modelBuilder.Entity<CommandResultRecord>(e =>
        {
            e.ToTable("command_results");
            e.HasIndex(c => c.CommandId);
        });
    }
}

/// <summary>The SQLite flavour (default: a file under ./data).</summary>
public sealed class SqliteCloudDb(DbContextOptions<SqliteCloudDb> options) : CloudDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite has no time type: store instants as sortable integers so queries can compare and order them.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The PostgreSQL flavour (production).</summary>
public sealed class PostgresCloudDb(DbContextOptions<PostgresCloudDb> options) : CloudDb(options);
