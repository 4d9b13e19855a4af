using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Data;

/// <summary>
/// Applies pending EF Core migrations when the service starts, before anything else reads the database.
/// Upgrading the service therefore upgrades the schema; see the operators' section of README.md.
/// </summary>
public sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        if (db.Database.IsSqlite())
        {
            CreateFolderOf(db.Database.GetConnectionString());

            // Write-ahead logging: readers never wait for the writer, and a commit costs one fsync instead of several.
            // The setting is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void CreateFolderOf(string? connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, IReadOnlyList<string> migrations);
}
