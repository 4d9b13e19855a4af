using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Audit;

/// <summary>The cloud's own code cannot change or remove an audit entry either: the save is refused naming it.</summary>
public sealed class AuditAppendOnlyTests
{
    [Fact]
    public async Task A_save_that_would_remove_an_audit_entry_is_refused_before_the_database_sees_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"iot-audit-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteCloudDb>().UseSqlite($"Data Source={file};Pooling=false").AddInterceptors(new AuditAppendOnly()).Options;
            await using (var db = new SqliteCloudDb(options))
            {
                await db.Database.MigrateAsync();
                db.AuditLog.Add(AuditEntry.Of(DateTimeOffset.UtcNow, "xinyu-li", "alert", "7", "closed", "已处理"));
                await db.SaveChangesAsync();
            }

            await using (var db = new SqliteCloudDb(options))
            {
                db.AuditLog.Remove(await db.AuditLog.SingleAsync());
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
                Assert.Contains("append-only: entry 1 (alert 7 closed) may not be deleted", refused.Message, StringComparison.Ordinal);
            }

            await using (var db = new SqliteCloudDb(options))
            {
                Assert.Equal(1, await db.AuditLog.CountAsync());
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
