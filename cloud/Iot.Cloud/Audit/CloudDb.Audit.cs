using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Audit;

/// <summary>The audit log's table.</summary>
public static class AuditTables
{
    extension(CloudDb db)
    {
        /// <summary>Who changed what, when, and why; rows are only ever added.</summary>
        public DbSet<AuditEntry> AuditLog => db.Set<AuditEntry>();
    }
}

internal sealed class AuditEntryMapping : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_log");
        e.HasIndex(a => new { a.Entity, a.EntityId });
        e.HasIndex(a => a.At);
    }
}
