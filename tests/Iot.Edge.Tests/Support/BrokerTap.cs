using System.Collections.Concurrent;
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
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();

    private BrokerTap(Process process) => _process = process;

    /// <summary>Everything received so far (the probe excluded), in arrival order.</summary>
    public IReadOnlyList<ReceivedMessage> Received => [.. _received.Where(m => m.Topic != Probe)];

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
        ServiceProcess.RecordPid(process.Id, "mosquitto_sub");
        var tap = new BrokerTap(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0)
            {
                tap._received.Enqueue(new ReceivedMessage(line[..space], Convert.FromHexString(line.AsSpan(space + 1)), Retained: false));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Subscribed once a probe comes back through the broker.
        await using var prober = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        await ServiceProcess.WaitUntilAsync(async () =>
        {
            await prober.PublishAsync(Probe, "probe");
            await Task.Delay(100);
            return tap._received.Any(m => m.Topic == Probe);
        }, TimeSpan.FromSeconds(15), "mosquitto_sub subscribed");
        return tap;
    }

    public async ValueTask DisposeAsync()
    {
        await ServiceProcess.KillAsync(_process, hard: false);
        ServiceProcess.ForgetPid(_process.Id);
        _process.Dispose();
    }
}
