using Iot.Cloud.Ratings;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

// Ratings of repairs by the community, next to the work orders they judge.
public abstract partial class CloudDb
{
    public DbSet<WorkOrderRating> Ratings => Set<WorkOrderRating>();

    private static void OnRatingsModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<WorkOrderRating>(e =>
        {
            e.ToTable("work_order_ratings");
            e.HasIndex(r => new { r.WorkOrderId, r.By }).IsUnique();
            e.HasIndex(r => new { r.PartyId, r.At });
            e.Property(r => r.Remark).HasMaxLength(500);
        });
}
