using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Iot.Bench.Latency;

/// <summary>Reads the cloud's /api/live stream and timestamps every alert event as it arrives.</summary>
public sealed class LiveListener : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(long Ticks, string Subject, string Kind)> _events = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveListener(HttpClient http) => _ = ReadAsync(http);

    public Task ConnectedAsync() => _connected.Task.WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Waits for an alert event for <paramref name="subject"/> of one of <paramref name="kinds"/> after <paramref name="since"/> (Stopwatch ticks).</summary>
    public async Task<long?> WaitAsync(string subject, string[] kinds, long since, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var e in _events)
            {
                if (e.Ticks >= since && e.Subject == subject && kinds.Contains(e.Kind))
                {
                    return e.Ticks;
                }
            }

            await Task.Delay(1);
        }

        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ReadAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/api/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            _connected.TrySetResult();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                using var doc = JsonDocument.Parse(line.AsMemory(6));
                var root = doc.RootElement;
                if (root.GetProperty("type").GetString() == "alert")
                {
                    var data = root.GetProperty("data");
                    var subject = $"{data.GetProperty("agent").GetString()}/{data.GetProperty("device").GetString()}";
                    _events.Enqueue((now, subject, root.GetProperty("kind").GetString()!));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            _connected.TrySetException(e);
        }
    }
}
