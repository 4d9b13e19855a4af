using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.BrokerRestart;

/// <summary>
/// Mosquitto (with persistence, as production runs it) restarted three times while three real agents (the fleet
/// program, simulated hardware, 1 s sampling) and the real cloud (external broker, SQLite) keep running.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerRestartTests
{
    private const int Agents = 3;
    private const int Restarts = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken

    [Fact]
    public async Task Three_broker_restarts_mid_stream_lose_nothing_the_broker_acknowledged_and_store_each_reading_once()
    {
        // One cloud instance on a plain subscription: its persistent session survives the restarts.
        var (ledger, witness, _) = await RunAsync("broker-restart", sharedGroup: string.Empty);
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), plain subscription", Restarts);
        ledger.AssertNothingLostOrDuplicated("after three broker restarts");
        Assert.Empty(Ledger.OrderProblems(witness));
        Assert.Equal(Agents, ledger.Boots.Count);
    }

    [Fact]
    public async Task With_a_shared_subscription_what_mosquitto_drops_across_a_restart_is_counted_as_missing_never_silent()
    {
        // Mosquitto 2.0 does not restore shared subscriptions ($share/cloud/...) from its persistence file: what agents
        // publish after the restart and before the cloud has subscribed again goes to no one, although the broker
        // acknowledged it. Such loss cannot be prevented by the cloud, but it must show in the cloud's gap count.
        var (ledger, witness, sequences) = await RunAsync("broker-restart-shared", sharedGroup: "cloud");
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), shared subscription", Restarts);
        foreach (var ((agent, boot), seqs) in ledger.Boots)
        {
            var cloud = Assert.Single(sequences, s => s.Agent == agent && s.Boot == boot);
            Assert.Equal(seqs.Count, cloud.Accepted + cloud.Missing + cloud.Lost);   // every message is stored or counted as a gap
            Assert.Equal(seqs[^1], cloud.MaxSeen);
        }

        Assert.Equal(0, ledger.Duplicated);
        Assert.Empty(Ledger.OrderProblems(witness));
    }

    private static async Task<(Ledger Ledger, Witness Witness, IReadOnlyList<SequenceFigures> Sequences)> RunAsync(string name, string sharedGroup)
    {
        using var folder = new FaultFolder(name);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Persistence = true });
        var witness = await Witness.StartAsync(broker.Host, broker.Port);
        try
        {
            await using var cloud = await CloudUnderTest.StartAsync(folder.Path, broker.Port, new Dictionary<string, string> { ["Broker__SharedGroup"] = sharedGroup });
            await using var fleet = Fleet.Start(folder.Path, broker.Port, Agents, cloud.TrustedKeysFolder);
            await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);

            for (var i = 0; i < Restarts; i++)
            {
                await broker.RestartGracefullyAsync();
                // Data flows again: the agents reconnected and replayed what they kept meanwhile; the cloud is back.
                await Waits.ForTelemetryAsync(witness, Agents, 3, Patience, fleet.Tail);
                await cloud.WaitReadyAsync(Patience);
            }

            await fleet.StopAsync();
            Assert.Equal(0, fleet.ExitCode);
            if (sharedGroup.Length == 0)
            {
                await Waits.ForCloudToCatchUpAsync(cloud, witness, Patience);
            }
            else
            {
                await Waits.ForCloudToSeeTheEndAsync(cloud, witness, Patience);
            }

            var store = await StoredReadings.FromSqliteAsync(cloud.TimeSeriesFile, Path.Combine(folder.Path, "cloud.db"));
            var sequences = await cloud.SequencesAsync();
            var ledger = Ledger.Square(witness, sequences, store.Readings, store.RawRows, store.AggregatedCount, store.Events);
            folder.Passed = sharedGroup.Length > 0 || ledger.Problems.Count == 0; // keep the logs of a failure
            return (ledger, witness, sequences);
        }
        finally
        {
            await witness.DisposeAsync();
        }
    }
}
