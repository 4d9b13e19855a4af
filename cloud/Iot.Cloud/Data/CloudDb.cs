using Iot.Cloud.Alerts;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Notifications;
using Iot.Cloud.Rules;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

/// <summary>
/// The cloud's relational store: the site registry, presence, dedupe state, dead letters, events.
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

    public DbSet<Rule> Rules => Set<Rule>();

    public DbSet<RuleStateRecord> RuleStates => Set<RuleStateRecord>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();

    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();

    public DbSet<WorkOrder> WorkOrders => Set<WorkOrder>();

    public DbSet<WorkOrderComment> WorkOrderComments => Set<WorkOrderComment>();

    public DbSet<WorkOrderAttachment> WorkOrderAttachments => Set<WorkOrderAttachment>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder);
        OnAccountsModelCreating(modelBuilder);
        OnRatingsModelCreating(modelBuilder);
        OnCommandsModelCreating(modelBuilder);
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
        OnWorkModelCreating(modelBuilder);
    }

    // Rules, alerts, work orders, audit and notifications.
    private static void OnWorkModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Rule>(e =>
        {
            e.ToTable("rules");
            e.Property(r => r.Kind).HasConversion<string>();
            e.Property(r => r.Severity).HasConversion<string>();
            e.HasIndex(r => new { r.Key, r.Scope, r.Version }).IsUnique();
            e.Ignore(r => r.Parameters);
        });
        modelBuilder.Entity<RuleStateRecord>(e =>
        {
            e.ToTable("rule_states");
            e.HasKey(r => new { r.RuleKey, r.Subject });
        });
        modelBuilder.Entity<Alert>(e =>
        {
            e.ToTable("alerts");
            e.Property(a => a.Severity).HasConversion<string>();
            e.Property(a => a.Status).HasConversion<string>();
            e.Property(a => a.Version).IsConcurrencyToken();

            // At most one alert not closed per rule and subject, whichever instance raises it.
            e.HasIndex(a => new { a.RuleKey, a.Subject }).IsUnique().HasFilter("\"ClosedAt\" IS NULL");
            e.HasIndex(a => new { a.CourtyardId, a.Status });
            e.HasIndex(a => a.WorkOrderId);
        });
        modelBuilder.Entity<AlertEvent>(e =>
        {
            e.ToTable("alert_events");
            e.HasOne(a => a.Alert).WithMany().HasForeignKey(a => a.AlertId);
            e.HasIndex(a => new { a.AlertId, a.At });
        });
        modelBuilder.Entity<MaintenanceWindow>(e =>
        {
            e.ToTable("maintenance_windows");
            e.HasIndex(m => new { m.CourtyardId, m.Until });
        });
        modelBuilder.Entity<WorkOrder>(e =>
        {
            e.ToTable("work_orders");
            e.Property(w => w.Severity).HasConversion<string>();
            e.Property(w => w.Status).HasConversion<string>();
            e.Property(w => w.Source).HasConversion<string>();
            e.Property(w => w.Version).IsConcurrencyToken();
            e.Ignore(w => w.IsOpen);

            // At most one open work order per fault, whichever instance makes it.
            e.HasIndex(w => new { w.Fault, w.Subject }).IsUnique().HasFilter("\"ClosedAt\" IS NULL AND \"CancelledAt\" IS NULL");
            e.HasIndex(w => new { w.PartyId, w.Status });
            e.HasIndex(w => w.CourtyardId);
            e.HasIndex(w => w.CreatedAt);
            e.HasIndex(w => w.TrackingCode).IsUnique();
            e.Property(w => w.ReportKey).HasMaxLength(64);
            e.HasIndex(w => w.ReportKey).IsUnique();
        });
        modelBuilder.Entity<WorkOrderComment>(e =>
        {
            e.ToTable("work_order_comments");
            e.HasIndex(c => c.WorkOrderId);
        });
        modelBuilder.Entity<WorkOrderAttachment>(e =>
        {
            e.ToTable("work_order_attachments");
            e.HasIndex(a => a.WorkOrderId);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasIndex(a => new { a.Entity, a.EntityId });
            e.HasIndex(a => a.At);
        });
        modelBuilder.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.HasIndex(n => new { n.DeliveredAt, n.FailedAt, n.NextAttemptAt });
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
