using System.Diagnostics;
using System.Globalization;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Support;

/// <summary>
/// Mosquitto's own <c>mosquitto_sub</c> as the test's witness of what reached the broker. The C client keeps up with a
/// replay of tens of thousands of messages on two busy cores, where an in-process subscriber competing with the test
/// for the same cores has been seen to fall to a trickle while the broker held the rest for it.
/// </summary>
internal sealed class BrokerTap : IAsyncDisposable
{
    private const string Probe = "estate/v1/tap-probe";
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<ReceivedMessage> _received = [];
    private readonly SemaphoreSlim _arrived = new(0, 1);

    private BrokerTap(Process process) => _process = process;

    /// <summary>How many messages (the probe included) have arrived.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _received.Count;
            }
        }
    }

    /// <summary>The messages from position <paramref name="start"/> on (the probe left out), in arrival order.</summary>
    public List<ReceivedMessage> Since(int start)
    {
        lock (_gate)
        {
            return _received.Skip(start).Where(m => m.Topic != Probe).ToList();
        }
    }

    /// <summary>Waits until more than <paramref name="count"/> messages have arrived; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForMoreThanAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (Count <= count)
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                return Count > count;
            }
        }

        return true;
    }

    /// <summary>Starts <c>mosquitto_sub</c> on <paramref name="filter"/> (QoS 1) and returns once it provably receives.</summary>
    public static async Task<BrokerTap> StartAsync(MosquittoBroker broker, string filter = "estate/v1/#")
    {
        var psi = new ProcessStartInfo(ServiceProcess.FindBinary("mosquitto_sub", "mosquitto-clients"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-h", broker.Host, "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", filter, "-F", "%t %x", "-i", $"tap-{Guid.NewGuid():N}" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start mosquitto_sub");
        var tap = new BrokerTap(process);
        process.OutputDataReceived += (_, e) => tap.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Subscribed once a probe comes back through the broker (probes sent before the subscription are simply lost).
        try
        {
            await using var prober = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
            var limit = Patience.Seconds(30);
            var waited = Stopwatch.StartNew();
            while (tap.Count == 0)
            {
                if (waited.Elapsed > limit)
                {
                    throw new TimeoutException($"mosquitto_sub did not receive a probe within {limit.TotalSeconds} s");
                }

                await prober.PublishAsync(Probe, "probe");
                await tap.WaitForMoreThanAsync(0, TimeSpan.FromMilliseconds(500));
            }

            return tap;
        }
        catch
        {
            await tap.DisposeAsync(); // a tap that never worked is not left running
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ServiceProcess.KillAsync(_process);
        _process.Dispose();
        _arrived.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not { Length: > 0 } || line.IndexOf(' ', StringComparison.Ordinal) is not (var space and > 0))
        {
            return;
        }

        lock (_gate)
        {
            _received.Add(new ReceivedMessage(line[..space], Convert.FromHexString(line.AsSpan(space + 1)), Retained: false));
        }

        if (_arrived.CurrentCount == 0)
        {
            try
            {
                _arrived.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: one wake-up is enough.
            }
        }
    }
}
