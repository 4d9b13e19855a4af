using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Notifications;

/// <summary>The outbox's table.</summary>
public static class NotificationTables
{
    extension(CloudDb db)
    {
        /// <summary>Messages to parties' channels, written in the transaction that caused them, sent after.</summary>
        public DbSet<Notification> Notifications => db.Set<Notification>();
    }
}

internal sealed class NotificationMapping : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        e.ToTable("notifications");
        e.HasIndex(n => n.MessageId).IsUnique();
        e.HasIndex(n => new { n.DeliveredAt, n.FailedAt, n.NextAttemptAt });
        e.HasIndex(n => n.WorkOrderId);
        e.HasIndex(n => n.AlertId);
        e.Property(n => n.ChannelKind).HasConversion<string>().HasMaxLength(16);
        e.Property(n => n.Severity).HasConversion<string>().HasMaxLength(16);
        e.Property(n => n.Channel).HasMaxLength(64);
        e.Property(n => n.LeaseOwner).HasMaxLength(64);
    }
}
