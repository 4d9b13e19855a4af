using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>
/// What one cloud instance tells the others, through PostgreSQL's <c>LISTEN/NOTIFY</c> on the database they share (no
/// other infrastructure): changes for the live feed, rules edited. A topic's handlers run on every other instance;
/// the instance that published has already acted. On SQLite there is one instance and publishing does nothing.
/// Best effort, like the live feed itself: a listener that reconnects has missed what was said meanwhile, so it tells
/// <see cref="Reconnected"/> listeners to reload what they cache.
/// </summary>
public sealed partial class InstanceBus(IOptions<DatabaseOptions> options, ILogger<InstanceBus> logger) : BackgroundService
{
    /// <summary>The PostgreSQL channel every instance listens on.</summary>
    public const string PgChannel = "iot_cloud";

    /// <summary>PostgreSQL refuses a payload of 8,000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7900;

    private readonly Channel<string> _outgoing = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentDictionary<string, List<Action<string>>> _handlers = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This instance, so it ignores what it said itself.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>True when there may be other instances to tell (PostgreSQL).</summary>
    public bool Shared => options.Value.Provider == DatabaseProvider.Postgres;

    /// <summary>Completes once this instance listens (at once on SQLite, where there is no one else).</summary>
    public Task Listening => Shared ? _listening.Task : Task.CompletedTask;

    /// <summary>The listener came back after losing its connection: what was said meanwhile is lost, reload caches.</summary>
    public event Action? Reconnected;

    /// <summary>Runs <paramref name="handler"/> with the payload of every <paramref name="topic"/> message from another instance.</summary>
    public void On(string topic, Action<string> handler)
    {
        var list = _handlers.GetOrAdd(topic, _ => []);
        lock (list)
        {
            list.Add(handler);
        }
    }

    /// <summary>Tells the other instances (queued; sent in order by the background loop). False when the payload is too big to send.</summary>
    public bool Publish(string topic, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        if (!Shared)
        {
            return true;
        }

        var message = $"{Instance}|{topic}|{payload}";
        if (Encoding.UTF8.GetByteCount(message) > MaxPayloadBytes)
        {
            LogTooBig(logger, topic, Encoding.UTF8.GetByteCount(message));
            return false;
        }

        return _outgoing.Writer.TryWrite(message);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Shared)
        {
            return;
        }

        await Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        var connectedBefore = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {PgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                backoff = TimeSpan.FromMilliseconds(200);
                _listening.TrySetResult();
                if (connectedBefore)
                {
                    Reconnected?.Invoke();
                }

                connectedBefore = true;
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Quiet for a while: ask the server something, so a connection that died silently is found and made again.
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is away: listen again when it is back, with a capped backoff.
                LogListenFailed(logger, e.Message);
                backoff = await WaitAndDoubleAsync(backoff, stoppingToken);
            }
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        string? pending = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                backoff = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    pending ??= await _outgoing.Reader.ReadAsync(stoppingToken);

                    // Whatever waits goes in one round trip, in order.
                    await using var batch = new NpgsqlBatch(connection);
                    var messages = new List<string> { pending };
                    while (messages.Count < 100 && _outgoing.Reader.TryRead(out var more))
                    {
                        messages.Add(more);
                    }

                    foreach (var message in messages)
                    {
                        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = PgChannel }, new() { Value = message } } });
                    }

                    await batch.ExecuteNonQueryAsync(stoppingToken);
                    pending = null;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The first message of the failed batch is tried again; the rest of that batch is lost (best effort).
                LogSendFailed(logger, e.Message);
                backoff = await WaitAndDoubleAsync(backoff, stoppingToken);
            }
        }
    }

    // Waits out a backoff (with a little jitter, so instances do not retry in step) and returns the next, capped at 10 s.
    private static async Task<TimeSpan> WaitAndDoubleAsync(TimeSpan backoff, CancellationToken stoppingToken)
    {
        await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(100)), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
    }

    private void Dispatch(string message)
    {
        if (message.Split('|', 3) is not [var instance, var topic, var payload] || instance == Instance || !_handlers.TryGetValue(topic, out var list))
        {
            return;
        }

        Action<string>[] handlers;
        lock (list)
        {
            handlers = [.. list];
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(payload);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One bad message or handler must not stop the listener.
                LogHandlerFailed(logger, topic, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to the other instances failed: {Reason}; listening again")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling the other instances failed: {Reason}; trying again")]
    private static partial void LogSendFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Topic} message from another instance could not be handled: {Reason}")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Topic} message of {Bytes} bytes is too big for NOTIFY; the other instances do not hear of it")]
    private static partial void LogTooBig(ILogger logger, string topic, int bytes);
}
