using Iot.Cloud.Commands;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

// Commands to agents, beside the command results ingest stores.
public abstract partial class CloudDb
{
    public DbSet<CommandRecord> Commands => Set<CommandRecord>();

    private static void OnCommandsModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<CommandRecord>(e =>
        {
            e.ToTable("commands");
            e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.CommandId).HasMaxLength(48);
            e.Property(c => c.Person).HasMaxLength(100);
            e.Property(c => c.Reason).HasMaxLength(500);
            e.HasIndex(c => c.CommandId).IsUnique();
            e.HasIndex(c => new { c.CourtyardId, c.IssuedAt });
            e.HasIndex(c => c.WorkOrderId);
            e.HasIndex(c => c.ResultAuditedAt);
        });
}
