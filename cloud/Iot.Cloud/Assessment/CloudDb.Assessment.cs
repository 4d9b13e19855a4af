using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Assessment;

/// <summary>The monthly assessment's tables: sheets, thresholds, rectification notices with their items, exit reviews.</summary>
public static class AssessmentTables
{
    extension(CloudDb db)
    {
        /// <summary>One sheet per party and month.</summary>
        public DbSet<AssessmentSheet> AssessmentSheets => db.Set<AssessmentSheet>();

        /// <summary>The street office's thresholds (one row, or none for the defaults).</summary>
        public DbSet<GradeThresholds> GradeThresholds => db.Set<GradeThresholds>();

        public DbSet<RectificationNotice> RectificationNotices => db.Set<RectificationNotice>();

        public DbSet<NoticeItem> NoticeItems => db.Set<NoticeItem>();

        public DbSet<ExitReview> ExitReviews => db.Set<ExitReview>();
    }
}

internal sealed class AssessmentSheetMapping : IEntityTypeConfiguration<AssessmentSheet>
{
    public void Configure(EntityTypeBuilder<AssessmentSheet> e)
    {
        e.ToTable("assessment_sheets");
        e.HasIndex(s => new { s.PartyId, s.Month }).IsUnique();
        e.HasIndex(s => s.Month);
        e.Property(s => s.PartyId).HasMaxLength(100);
        e.Property(s => s.Remarks).HasMaxLength(AssessmentRules.MaxText);
        e.Property(s => s.SignedBy).HasMaxLength(256);
        e.Property(s => s.Grade).HasConversion<string>().HasMaxLength(32);
        e.Property(s => s.Version).IsConcurrencyToken();
        e.Ignore(s => s.IsSigned);
    }
}

internal sealed class GradeThresholdsMapping : IEntityTypeConfiguration<GradeThresholds>
{
    public void Configure(EntityTypeBuilder<GradeThresholds> e)
    {
        e.ToTable("grade_thresholds");
        e.Property(t => t.Id).ValueGeneratedNever();
        e.Property(t => t.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class RectificationNoticeMapping : IEntityTypeConfiguration<RectificationNotice>
{
    public void Configure(EntityTypeBuilder<RectificationNotice> e)
    {
        e.ToTable("rectification_notices");
        e.HasIndex(n => n.SheetId).IsUnique();
        e.HasIndex(n => new { n.PartyId, n.ClosedAt });
        e.HasOne(n => n.Sheet).WithMany().HasForeignKey(n => n.SheetId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(n => n.Items).WithOne().HasForeignKey(i => i.NoticeId).OnDelete(DeleteBehavior.Cascade);
        e.Property(n => n.PartyId).HasMaxLength(100);
        e.Property(n => n.Reason).HasConversion<string>().HasMaxLength(32);
        e.Property(n => n.ClosedBy).HasMaxLength(256);
        e.Property(n => n.CloseNote).HasMaxLength(AssessmentRules.MaxText);
        e.Property(n => n.Version).IsConcurrencyToken();
        e.Ignore(n => n.IsOpen);
    }
}

internal sealed class NoticeItemMapping : IEntityTypeConfiguration<NoticeItem>
{
    public void Configure(EntityTypeBuilder<NoticeItem> e)
    {
        e.ToTable("notice_items");
        e.Property(i => i.Kind).HasConversion<string>().HasMaxLength(32);
        e.Property(i => i.Text).HasMaxLength(AssessmentRules.MaxText);
        e.Property(i => i.DoneBy).HasMaxLength(256);
        e.Property(i => i.Note).HasMaxLength(AssessmentRules.MaxText);
    }
}

internal sealed class ExitReviewMapping : IEntityTypeConfiguration<ExitReview>
{
    public void Configure(EntityTypeBuilder<ExitReview> e)
    {
        e.ToTable("exit_reviews");

        // At most one review per notice that ran out, and one per party and month for three 不合格 in a row.
        e.HasIndex(r => r.NoticeId).IsUnique();
        e.HasIndex(r => new { r.PartyId, r.Month }).IsUnique();
        e.HasOne<RectificationNotice>().WithMany().HasForeignKey(r => r.NoticeId).OnDelete(DeleteBehavior.Restrict);
        e.Property(r => r.PartyId).HasMaxLength(100);
        e.Property(r => r.Reason).HasConversion<string>().HasMaxLength(32);
        e.Property(r => r.Decision).HasConversion<string>().HasMaxLength(16);
        e.Property(r => r.DecidedBy).HasMaxLength(256);
        e.Property(r => r.Note).HasMaxLength(AssessmentRules.MaxText);
        e.Property(r => r.Version).IsConcurrencyToken();
        e.Ignore(r => r.IsOpen);
    }
}
