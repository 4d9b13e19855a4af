using Iot.Testing;

namespace Iot.Cloud.Tests.Support;

/// <summary>Reads <c>/api/live</c> as a console would, keeping every line.</summary>
public sealed class LiveListener : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveListener(HttpClient http) => _ = ReadAsync(http);

    /// <summary>Everything received so far.</summary>
    public string Text => string.Join('\n', _lines);

    /// <summary>
    /// Completes when the stream's ": connected" comment has arrived: the cloud subscribes before it writes it, so every
    /// change made after this is on the stream.
    /// </summary>
    public Task ConnectedAsync() => _connected.Task.WaitAsync(Patience.Of(CloudHost.DefaultWait));

    public Task WaitForAsync(string text) =>
        CloudHost.WaitUntilAsync(() => Task.FromResult(_lines.Any(l => l.Contains(text, StringComparison.Ordinal))), $"live event with {text}");

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
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                _lines.Enqueue(line);
                if (line == ": connected")
                {
                    _connected.TrySetResult();
                }
            }

            _connected.TrySetException(new InvalidOperationException($"/api/live ended ({(int)response.StatusCode}) before it said it was connected"));
        }
        catch (OperationCanceledException)
        {
            // Test over.
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _connected.TrySetException(e);
        }
    }
}
