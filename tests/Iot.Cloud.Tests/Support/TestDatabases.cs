using Iot.Cloud.Data;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// The cloud's two databases for tests that run the same checks on each (a base class, a SQLite and a PostgreSQL
/// subclass): a fresh SQLite file, or a fresh database in the test class's private PostgreSQL cluster.
/// </summary>
public static class TestDatabases
{
    /// <summary>A new SQLite file's name in the temporary folder (the test deletes it when done).</summary>
    public static string NewSqliteFile(string prefix) => Path.Combine(Path.GetTempPath(), $"iot-{prefix}-{Guid.NewGuid():N}.db");

    /// <summary>Contexts on the SQLite file <paramref name="file"/>, one per call.</summary>
    public static Func<CloudDb> Sqlite(string file)
    {
        var options = new DbContextOptionsBuilder<SqliteCloudDb>().UseSqlite($"Data Source={file};Pooling=false").Options;
        return () => new SqliteCloudDb(options);
    }

    /// <summary>Contexts on a new database of <paramref name="server"/>, one per call.</summary>
    public static async Task<Func<CloudDb>> PostgresAsync(PostgresServer server, string prefix)
    {
        ArgumentNullException.ThrowIfNull(server);
        var connection = await server.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}");
        var options = new DbContextOptionsBuilder<PostgresCloudDb>().UseNpgsql(connection).Options;
        return () => new PostgresCloudDb(options);
    }
}

/// <summary>One private PostgreSQL cluster for a test class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
