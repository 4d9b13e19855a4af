using System.Diagnostics;

namespace Iot.Bench.Load;

/// <summary>
/// Background telemetry at a steady rate: each agent publishes one batch every interval (staggered), until stopped.
/// Counts what was published and what failed, so a run that could not hold its rate says so.
/// </summary>
public sealed class SteadyLoad(IReadOnlyList<AgentPublisher> agents, int readingsPerMessage, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task[] _loops = [];
    private long _messages;
    private long _errors;

    public long Messages => Interlocked.Read(ref _messages);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Readings per second this load offers.</summary>
    public double ReadingsPerSecond => agents.Count * readingsPerMessage / interval.TotalSeconds;

    public void Start() => _loops = agents.Select((a, i) => Task.Run(() => LoopAsync(a, TimeSpan.FromTicks(interval.Ticks * i / agents.Count)))).ToArray();

    /// <summary>Stops publishing and waits for the loops to end.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync(AgentPublisher agent, TimeSpan offset)
    {
        try
        {
            await Task.Delay(offset, _stop.Token);
            var clock = Stopwatch.StartNew();
            for (long n = 1; !_stop.IsCancellationRequested; n++)
            {
                try
                {
                    // Not cancelled by the stop: a message handed to the broker is finished and counted, so "offered" is exact.
                    await agent.TelemetryAsync(readingsPerMessage, CancellationToken.None);
                    Interlocked.Increment(ref _messages);
                }
                catch (Exception e) when ((e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException) && !_stop.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref _errors) <= 3)
                    {
                        Console.Error.WriteLine($"{agent.Agent}: publish failed: {e.Message}");
                    }
                }

                var next = interval * n - clock.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (Exception e) when ((e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException) && _stop.IsCancellationRequested)
        {
            // A publish in flight when the load was stopped timed out or lost its connection: the measurement is over.
        }
    }
}
