using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Notifications;

/// <summary>The webhook outbox's table.</summary>
public static class NotificationTables
{
    extension(CloudDb db)
    {
        /// <summary>Messages to parties' webhooks, written in the transaction that caused them, sent after.</summary>
        public DbSet<Notification> Notifications => db.Set<Notification>();
    }
}

internal sealed class NotificationMapping : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        e.ToTable("notifications");
        e.HasIndex(n => new { n.DeliveredAt, n.FailedAt, n.NextAttemptAt });
    }
}
