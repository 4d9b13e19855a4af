using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Reports;

/// <summary>
/// A resident's report that joined an open order made by an earlier report of the same fault (same courtyard and
/// category, within <see cref="ReportLimitOptions.MergeWithin"/>): it is counted on the order and keeps its own
/// tracking code, which shows the shared order's progress. The first report's code and key stay on the order itself.
/// </summary>
public sealed class MergedReport
{
    public long Id { get; set; }

    public long WorkOrderId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>This resident's tracking code.</summary>
    public required string TrackingCode { get; set; }

    /// <summary>The report form's key (<see cref="ReportKeys"/>): a resend finds this report instead of joining again.</summary>
    public string? ReportKey { get; set; }

    /// <summary>What this resident wrote, kept for staff.</summary>
    public string? Text { get; set; }
}

/// <summary>The merged reports' table.</summary>
public static class ReportTables
{
    extension(CloudDb db)
    {
        /// <summary>Reports that joined an order opened by an earlier one.</summary>
        public DbSet<MergedReport> MergedReports => db.Set<MergedReport>();
    }
}

internal sealed class MergedReportMapping : IEntityTypeConfiguration<MergedReport>
{
    public void Configure(EntityTypeBuilder<MergedReport> e)
    {
        e.ToTable("merged_reports");
        e.HasOne<WorkOrder>().WithMany().HasForeignKey(r => r.WorkOrderId);
        e.Property(r => r.TrackingCode).HasMaxLength(16);
        e.HasIndex(r => r.TrackingCode).IsUnique();
        e.Property(r => r.ReportKey).HasMaxLength(64);
        e.HasIndex(r => r.ReportKey).IsUnique();
        e.Property(r => r.Text).HasMaxLength(500);
    }
}
