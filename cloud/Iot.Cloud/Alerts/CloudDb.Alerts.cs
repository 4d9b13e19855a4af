using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Alerts;

/// <summary>The alerts' tables: alerts, their history, maintenance windows.</summary>
public static class AlertTables
{
    extension(CloudDb db)
    {
        /// <summary>Every alert, open and closed.</summary>
        public DbSet<Alert> Alerts => db.Set<Alert>();

        /// <summary>What happened to each alert, in order.</summary>
        public DbSet<AlertEvent> AlertEvents => db.Set<AlertEvent>();

        /// <summary>Times when a courtyard's alerts are expected and held back.</summary>
        public DbSet<MaintenanceWindow> MaintenanceWindows => db.Set<MaintenanceWindow>();
    }
}

internal sealed class AlertMapping : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> e)
    {
        e.ToTable("alerts");
        e.Property(a => a.Severity).HasConversion<string>();
        e.Property(a => a.Status).HasConversion<string>();
        e.Property(a => a.Version).IsConcurrencyToken();

        // At most one alert not closed per rule and subject, whichever instance raises it.
        e.HasIndex(a => new { a.RuleKey, a.Subject }).IsUnique().HasFilter("\"ClosedAt\" IS NULL");
        e.HasIndex(a => new { a.CourtyardId, a.Status });
        e.HasIndex(a => a.WorkOrderId);
    }
}

internal sealed class AlertEventMapping : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> e)
    {
        e.ToTable("alert_events");
        e.Property(a => a.Kind).HasConversion(new WireNameConverter<AlertChangeKind>());
        e.HasOne(a => a.Alert).WithMany().HasForeignKey(a => a.AlertId);
        e.HasIndex(a => new { a.AlertId, a.At });
    }
}

internal sealed class MaintenanceWindowMapping : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> e)
    {
        e.ToTable("maintenance_windows");
        e.HasIndex(m => new { m.CourtyardId, m.Until });
    }
}
