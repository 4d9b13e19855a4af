using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.BrokerRestart;

/// <summary>
/// One broker-restart run of the fault tests: a Mosquitto, the cloud on it, three agents behind a gate, the given
/// restarts, then the ledger of what the agents sent against what the cloud stored.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class BrokerRestartRun
{
    /// <summary>The agents of the run.</summary>
    public const int Agents = 3;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken

    /// <summary>Runs it: <paramref name="restarts"/> times <paramref name="restart"/>, then squares the ledger.</summary>
    public static async Task<(Ledger Ledger, Witness Witness)> RunAsync(string name, string sharedGroup, bool persistence, int restarts, Func<MosquittoBroker, Task> restart)
    {
        using var folder = new FaultFolder(name);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Persistence = persistence });

        // The agents reach the broker through a gate, so that after a restart the witness is subscribed again before they
        // are back: a broker without its sessions would otherwise hand their first messages to no witness.
        await using var gate = new TcpGate(broker.Port);
        var witness = await Witness.StartAsync(broker.Host, broker.Port);
        try
        {
            await using var cloud = await CloudUnderTest.StartAsync(folder.Path, broker.Port, new Dictionary<string, string> { ["Broker__SharedGroup"] = sharedGroup });
            await using var fleet = Fleet.Start(folder.Path, gate.Port, Agents, cloud.TrustedKeysFolder);
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);

            for (var i = 0; i < restarts; i++)
            {
                gate.Close();
                var subscribed = witness.Subscriptions;
                await restart(broker);
                await ServiceProcess.WaitUntilAsync(() => Task.FromResult(witness.Subscriptions > subscribed), Patience, "the witness subscribed again");
                gate.Open();

                // Data flows again: the agents reconnected and sent again what the cloud had not stored; the cloud is back.
                await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);
                await cloud.WaitReadyAsync(Patience);
            }

            // What the broker forgot comes again after a stall of the watermark (5 s here): it is in before the agents stop.
            await Waits.StopAndCatchUpAsync(fleet, cloud, witness, Patience);
            var (ledger, _, _) = await Ledger.SquareSqliteAsync(witness, cloud, folder.Path);
            folder.Passed = ledger.Problems.Count == 0; // keep the logs of a failure
            return (ledger, witness);
        }
        finally
        {
            await witness.DisposeAsync();
        }
    }
}
