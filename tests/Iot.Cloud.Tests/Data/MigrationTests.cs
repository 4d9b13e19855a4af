using System.Data.Common;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Sites;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Data;

/// <summary>The schema comes from migrations (not EnsureCreated), on SQLite and on a real PostgreSQL, matches the model, and keeps the audit log append-only.</summary>
public sealed class MigrationTests
{
    private static async Task AssertMigratesAndWorks(CloudDb db)
    {
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Model.GetEntityTypes().Any() && db.Database.HasPendingModelChanges(), "the model has changes no migration captures: add a migration");

        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        db.DeadLetters.Add(new DeadLetter { ReceivedAt = now, Topic = "t", Reason = "r", Payload = [1, 2, 3], PayloadBytes = 3 });
        db.Parties.Add(new Party { Id = "xinyu-property", Name = "昆明馨宇物业服务有限公司", Kind = "propertyCompany" });
        await db.SaveChangesAsync();
        var letter = await db.DeadLetters.SingleAsync(d => d.ReceivedAt >= now.AddHours(-1));
        Assert.Equal([1, 2, 3], letter.Payload);
        Assert.Equal("昆明馨宇物业服务有限公司", (await db.Parties.SingleAsync()).Name);

        // The audit log is append-only in the database itself: an update or a delete is refused, the entry stays.
        db.AuditLog.Add(AuditEntry.Of(now, "xinyu-li", "workOrder", "1", "status:fixed", "inProgress → fixed"));
        await db.SaveChangesAsync();
        var update = await Assert.ThrowsAnyAsync<DbException>(() => db.AuditLog.ExecuteUpdateAsync(s => s.SetProperty(a => a.Actor, "someone-else")));
        Assert.Contains("the audit log is append-only", update.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<DbException>(() => db.AuditLog.ExecuteDeleteAsync());
        Assert.Equal("xinyu-li", (await db.AuditLog.AsNoTracking().SingleAsync()).Actor);
    }

    [Fact]
    public async Task Migrations_apply_on_sqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"iot-migrate-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new SqliteCloudDb(new DbContextOptionsBuilder<SqliteCloudDb>().UseSqlite($"Data Source={file};Pooling=false").Options);
            await AssertMigratesAndWorks(db);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Migrations_apply_on_postgresql()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connection = await postgres.CreateDatabaseAsync("migrate");
        await using var db = new PostgresCloudDb(new DbContextOptionsBuilder<PostgresCloudDb>().UseNpgsql(connection).Options);
        await AssertMigratesAndWorks(db);
    }
}
