using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iot.Cloud.Data;

/// <summary>
/// Sets SQLite's own busy timeout on every connection the cloud opens. The lanes of ingest, the rules and the web write
/// the one file, and a writer meeting another waits. Without it, Microsoft.Data.Sqlite retries a busy statement after
/// sleeping 150 ms each time, so a one-event transaction meeting a telemetry commit of a few milliseconds took 150 ms
/// (measured: the alert latency's whole tail); SQLite's handler retries within a millisecond or two.
/// </summary>
public sealed class SqliteBusyWait : DbConnectionInterceptor
{
    /// <summary>How long a writer waits for another before SQLite answers busy (and the managed retry takes over).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = FormattableString.Invariant($"PRAGMA busy_timeout = {(int)Timeout.TotalMilliseconds};");
        command.ExecuteNonQuery();
    }
}
