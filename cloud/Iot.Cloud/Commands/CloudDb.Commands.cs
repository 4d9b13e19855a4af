using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Commands;

/// <summary>Commands to agents, beside the command results ingest stores.</summary>
public static class CommandTables
{
    extension(CloudDb db)
    {
        /// <summary>Every command people sent, and what became of it.</summary>
        public DbSet<CommandRecord> Commands => db.Set<CommandRecord>();
    }
}

internal sealed class CommandMapping : IEntityTypeConfiguration<CommandRecord>
{
    public void Configure(EntityTypeBuilder<CommandRecord> e)
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
    }
}
