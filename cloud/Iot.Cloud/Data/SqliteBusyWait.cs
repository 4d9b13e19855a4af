using System.Data.Common;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iot.Cloud.Data;

/// <summary>
/// How a writer waits for another on the one SQLite file that the lanes of ingest, the rules and the web all write.
/// Microsoft.Data.Sqlite on its own retries a busy statement after sleeping 150 ms each time: a one-event transaction
/// meeting a telemetry commit of a few milliseconds took 150 ms (measured: the alert latency's whole tail). SQLite's own
/// busy timeout sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms between tries, so a writer waiting out a
/// 60 ms commit wakes up to 25 ms late. The handler here tries again every millisecond, for up to <see cref="Timeout"/>.
/// </summary>
public sealed partial class SqliteBusyWait : DbConnectionInterceptor
{
    /// <summary>How long a writer waits for another before SQLite answers busy (and the managed retry takes over).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // Kept for the life of the process: SQLite holds a pointer to it.
    private static readonly BusyHandler Handler = WaitAMillisecond;

    // When the current wait began, per thread: SQLite calls the handler on the thread that waits, with count 0 first.
    [ThreadStatic]
    private static long t_waitingSince;

    private delegate int BusyHandler(nint argument, int count);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        var handle = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        var result = sqlite3_busy_handler(handle.DangerousGetHandle(), Handler, 0);
        if (result != 0)
        {
            throw new InvalidOperationException($"SQLite refused the busy handler (result {result})");
        }
    }

    private static int WaitAMillisecond(nint argument, int count)
    {
        if (count == 0)
        {
            t_waitingSince = Stopwatch.GetTimestamp();
        }
        else if (Stopwatch.GetElapsedTime(t_waitingSince) > Timeout)
        {
            return 0;
        }

        Thread.Sleep(1);
        return 1;
    }

    // The library Microsoft.Data.Sqlite loads (SQLitePCLRaw's bundle), whose wrapper does not expose the busy handler.
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(nint db, BusyHandler handler, nint argument);
}
