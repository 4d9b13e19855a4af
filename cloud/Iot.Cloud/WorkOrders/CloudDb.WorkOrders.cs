using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.WorkOrders;

/// <summary>The work orders' tables: orders, their comments and their photos.</summary>
public static class WorkOrderTables
{
    extension(CloudDb db)
    {
        /// <summary>Every work order.</summary>
        public DbSet<WorkOrder> WorkOrders => db.Set<WorkOrder>();

        /// <summary>What people wrote on orders.</summary>
        public DbSet<WorkOrderComment> WorkOrderComments => db.Set<WorkOrderComment>();

        /// <summary>Photos attached to orders.</summary>
        public DbSet<WorkOrderAttachment> WorkOrderAttachments => db.Set<WorkOrderAttachment>();
    }
}

internal sealed class WorkOrderMapping : IEntityTypeConfiguration<WorkOrder>
{
    public void Configure(EntityTypeBuilder<WorkOrder> e)
    {
        e.ToTable("work_orders");
        e.Property(w => w.Severity).HasConversion<string>();
        e.Property(w => w.Status).HasConversion<string>();
        e.Property(w => w.Source).HasConversion<string>();
        e.Property(w => w.VerifiedVia).HasConversion<string>();
        e.Ignore(w => w.StartedAt);
        e.Property(w => w.Version).IsConcurrencyToken();
        e.Ignore(w => w.IsOpen);
        e.Ignore(w => w.ResidentReports);

        // At most one open work order per fault, whichever instance makes it.
        e.HasIndex(w => new { w.Fault, w.Subject }).IsUnique().HasFilter("\"ClosedAt\" IS NULL AND \"CancelledAt\" IS NULL");
        e.HasIndex(w => new { w.PartyId, w.Status });
        e.HasIndex(w => w.CourtyardId);
        e.HasIndex(w => w.CreatedAt);
        e.HasIndex(w => w.TrackingCode).IsUnique();
        e.Property(w => w.ReportKey).HasMaxLength(64);
        e.HasIndex(w => w.ReportKey).IsUnique();
    }
}

internal sealed class WorkOrderCommentMapping : IEntityTypeConfiguration<WorkOrderComment>
{
    public void Configure(EntityTypeBuilder<WorkOrderComment> e)
    {
        e.ToTable("work_order_comments");
        e.HasIndex(c => c.WorkOrderId);
    }
}

internal sealed class WorkOrderAttachmentMapping : IEntityTypeConfiguration<WorkOrderAttachment>
{
    public void Configure(EntityTypeBuilder<WorkOrderAttachment> e)
    {
        e.ToTable("work_order_attachments");
        e.HasIndex(a => a.WorkOrderId);
    }
}
