using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Ratings;

/// <summary>Ratings of repairs by the community, next to the work orders they judge.</summary>
public static class RatingTables
{
    extension(CloudDb db)
    {
        /// <summary>One rating per order and person.</summary>
        public DbSet<WorkOrderRating> Ratings => db.Set<WorkOrderRating>();
    }
}

internal sealed class RatingMapping : IEntityTypeConfiguration<WorkOrderRating>
{
    public void Configure(EntityTypeBuilder<WorkOrderRating> e)
    {
        e.ToTable("work_order_ratings");
        e.HasIndex(r => new { r.WorkOrderId, r.By }).IsUnique();
        e.HasIndex(r => new { r.PartyId, r.At });
        e.Property(r => r.Remark).HasMaxLength(500);
    }
}
