using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// Writes a batch of readings in parts of <see cref="InfluxOptions.BatchSize"/>, up to
/// <see cref="InfluxOptions.WritesInFlight"/> of them at once, each retried until InfluxDB accepts it. The batch's task
/// completes only when every part is accepted, and fails as soon as one part is refused for good (the parts still
/// running are cancelled and awaited first): ingest acks MQTT after it, so nothing is acknowledged early.
/// </summary>
internal sealed class InfluxWriter(InfluxHttp http, InfluxOptions options, TimeProvider retryTime, TimeSeriesMetrics metrics, ILogger logger)
{
    private const string Backend = "influx";
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    // One body per write in flight, reused: at most WritesInFlight per concurrent caller are ever made.
    private readonly ConcurrentBag<LineBody> _bodies = [];

    public async Task WriteAsync(IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var size = options.BatchSize;
        var parts = (readings.Count + size - 1) / size;
        if (parts <= 1)
        {
            // One part: sent from here, without Parallel's scheduling.
            await WritePartAsync(readings, 0, readings.Count, cancellationToken);
        }
        else
        {
            // A reading repeated in one batch is stored once whichever part lands last (same series, same time: InfluxDB
            // keeps one point), so the parts need no order; with the same value, which one wins makes no difference.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.WritesInFlight, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, parts), parallel, async (part, token) =>
                await WritePartAsync(readings, part * size, Math.Min(size, readings.Count - (part * size)), token));
        }

        metrics.Written(Backend, readings.Count, started);
    }

    private async Task WritePartAsync(IReadOnlyList<StoredReading> readings, int start, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        var body = _bodies.TryTake(out var reused) ? reused : new LineBody();
        try
        {
            await SendAsync(body.Fill(readings, start, count, options.Gzip), count, cancellationToken);
        }
        finally
        {
            _bodies.Add(body);
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> lines, int count, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                var (status, body) = await http.WriteAsync(lines, options.Gzip, cancellationToken);
                if ((int)status is >= 200 and < 300)
                {
                    return;
                }

                // 1.x stores the rest of the batch and says so; the dropped points were past raw retention already.
                if (status == HttpStatusCode.BadRequest && body.Contains("beyond retention policy", StringComparison.Ordinal))
                {
                    TimeSeriesLog.BeyondRetention(logger, InfluxHttp.Shorten(body));
                    return;
                }

                if (!IsTransient(status, body))
                {
                    throw new InvalidOperationException($"InfluxDB refused a write of {count} readings with {(int)status}: {InfluxHttp.Shorten(body)}");
                }

                reason = $"{(int)status} {InfluxHttp.Shorten(body)}";
            }
            catch (HttpRequestException e)
            {
                reason = e.Message;
            }
            catch (TimeoutException e)
            {
                reason = e.Message;
            }

            metrics.Retried(Backend);
            TimeSeriesLog.WriteRetry(logger, count, reason, attempt, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, retryTime, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private static bool IsTransient(HttpStatusCode status, string body) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests

        // Until InitializeAsync has created it (the maintenance service retries that), waiting is the right answer.
        || (status == HttpStatusCode.NotFound && body.Contains("database not found", StringComparison.Ordinal));
}
