using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// Dead letters are written apart from the change tracker (<see cref="DeadLetterRows"/>), in the batch's transaction:
/// each row must read back exactly as one saved through EF does, on both databases, and a save that fails leaves none.
/// </summary>
public abstract class DeadLetterRowsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 23, 5, 7, 123, TimeSpan.Zero);
    private Func<CloudDb> _open = null!;

    protected abstract Task<Func<CloudDb>> DatabaseAsync();

    public async Task InitializeAsync()
    {
        _open = await DatabaseAsync();
        await using var db = _open();
        await db.Database.MigrateAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static DeadLetter[] Letters(string tag) =>
    [
        new() { ReceivedAt = At, Topic = $"estate/v1/yongchang/yikang-1/yikang-1-a/telemetry/{tag}", AgentId = AgentId.Parse("yikang-1-a"), Reason = "not valid JSON: '}' is invalid", Payload = [0x7b, 0x00, 0xff], PayloadBytes = 300_000 },
        new() { ReceivedAt = At.AddSeconds(1), Topic = $"somewhere/else/{tag}", AgentId = null, Reason = "foreign topic: 名字 'x'", Payload = [], PayloadBytes = 0 },
    ];

    [Fact]
    public async Task Rows_written_apart_read_back_as_rows_saved_through_the_tracker()
    {
        await using (var db = _open())
        {
            db.DeadLetters.AddRange(Letters("tracked"));
            await db.SaveChangesAsync();
        }

        await using (var db = _open())
        {
            await DeadLetterRows.SaveChangesWithAsync(db, Letters("apart"), CancellationToken.None);
        }

        await using var read = _open();
        var rows = await read.DeadLetters.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
        Assert.Equal(4, rows.Count);
        Assert.Equal(4, rows.Select(r => r.Id).Distinct().Count());
        foreach (var (tracked, apart) in rows.Where(r => r.Topic.EndsWith("/tracked", StringComparison.Ordinal)).Zip(rows.Where(r => r.Topic.EndsWith("/apart", StringComparison.Ordinal))))
        {
            Assert.Equal(tracked.ReceivedAt, apart.ReceivedAt);
            Assert.Equal(tracked.Topic.Replace("/tracked", "/apart", StringComparison.Ordinal), apart.Topic);
            Assert.Equal(tracked.AgentId, apart.AgentId);
            Assert.Equal(tracked.Reason, apart.Reason);
            Assert.Equal(tracked.Payload, apart.Payload);
            Assert.Equal(tracked.PayloadBytes, apart.PayloadBytes);
        }

        // Found by the queries the API and the retention sweep make.
        Assert.Equal(2, await read.DeadLetters.CountAsync(d => d.AgentId == AgentId.Parse("yikang-1-a")));
        Assert.Equal(4, await read.DeadLetters.CountAsync(d => d.ReceivedAt < At.AddMinutes(1)));
        Assert.Equal(2, await read.DeadLetters.CountAsync(d => d.ReceivedAt > At));
    }

    [Fact]
    public async Task A_save_that_fails_keeps_none_of_its_dead_letters()
    {
        await using (var db = _open())
        {
            // The batch's tracked rows break the save (a second row with the same key) after the dead letters went in.
            db.BootAnchors.Add(new BootAnchor { AgentId = AgentId.Parse("yikang-1-a"), BootId = "boot-1", UpdatedAt = At });
            await db.SaveChangesAsync();
        }

        await using (var db = _open())
        {
            db.BootAnchors.Add(new BootAnchor { AgentId = AgentId.Parse("yikang-1-a"), BootId = "boot-1", UpdatedAt = At });
            await Assert.ThrowsAnyAsync<DbUpdateException>(() => DeadLetterRows.SaveChangesWithAsync(db, Letters("failed"), CancellationToken.None));
        }

        await using var read = _open();
        Assert.Equal(0, await read.DeadLetters.CountAsync());
    }
}

public sealed class SqliteDeadLetterRowsTests : DeadLetterRowsTests
{
    private readonly string _file = TestDatabases.NewSqliteFile("dead-letters");

    protected override Task<Func<CloudDb>> DatabaseAsync() => Task.FromResult(TestDatabases.Sqlite(_file));

    public override Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }
}

public sealed class PostgresDeadLetterRowsTests(PostgresFixture postgres) : DeadLetterRowsTests, IClassFixture<PostgresFixture>
{
    protected override Task<Func<CloudDb>> DatabaseAsync() => TestDatabases.PostgresAsync(postgres.Server, "dead_letters");
}
