using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.BrokerRestart;

/// <summary>
/// Mosquitto restarted while three real agents (the fleet program, simulated hardware, 1 s sampling) and the real cloud
/// (external broker, SQLite) keep running. Each way the broker can forget what it acknowledged (its restart, a shared
/// subscription it does not restore, no persistence, a lost disk) ends with every reading stored once: the agents keep
/// their records until the cloud's stored watermark passes them, and send again what it has not stored.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerRestartTests
{
    private const int Agents = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken

    [Fact]
    public async Task Three_broker_restarts_mid_stream_lose_nothing_the_broker_acknowledged_and_store_each_reading_once()
    {
        // One cloud instance on a plain subscription: its persistent session survives the restarts.
        var (ledger, witness) = await RunAsync("broker-restart", sharedGroup: string.Empty, persistence: true, restarts: 3, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), plain subscription", 3);
        ledger.AssertNothingLostOrDuplicated("after three broker restarts");
        Assert.Empty(Ledger.OrderProblems(witness));
        Assert.Equal(Agents, ledger.Boots.Count);
    }

    [Fact]
    public async Task With_a_shared_subscription_mosquitto_forgets_on_restart_the_agents_send_again_what_the_cloud_did_not_store()
    {
        // Mosquitto 2.0 does not restore shared subscriptions ($share/cloud/...) from its persistence file: what agents
        // publish after the restart and before the cloud has subscribed again goes to no one, although the broker
        // acknowledged it. The cloud's watermark stalls there, and the agents send it again.
        var (ledger, witness) = await RunAsync("broker-restart-shared", sharedGroup: "cloud", persistence: true, restarts: 3, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), shared subscription", 3);
        ledger.AssertNothingLostOrDuplicated("after three broker restarts with a shared subscription");
        Assert.Empty(Ledger.OrderProblems(witness));
    }

    [Fact]
    public async Task A_broker_restarted_without_persistence_forgets_every_session_and_the_agents_send_again_what_the_cloud_did_not_store()
    {
        var (ledger, _) = await RunAsync("broker-restart-no-persistence", sharedGroup: string.Empty, persistence: false, restarts: 1, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted without persistence: every session and queued message gone", 1);
        ledger.AssertNothingLostOrDuplicated("after a broker restart without persistence");
    }

    [Fact]
    public async Task A_broker_whose_persistence_file_is_deleted_between_stop_and_start_loses_nothing_the_agents_still_hold()
    {
        var (ledger, _) = await RunAsync("broker-lost-disk", sharedGroup: string.Empty, persistence: true, restarts: 1, b => b.RestartLosingItsDiskAsync());
        ledger.Record("broker's persistence file deleted between stop and start", 1);
        ledger.AssertNothingLostOrDuplicated("after the broker lost its persistence file");
    }

    private static async Task<(Ledger Ledger, Witness Witness)> RunAsync(string name, string sharedGroup, bool persistence, int restarts, Func<MosquittoBroker, Task> restart)
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
