using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.BrokerRestart;

/// <summary>
/// Mosquitto restarted three times with its persistence while three real agents (the fleet program, simulated hardware,
/// 1 s sampling) and the real cloud (external broker, SQLite) keep running: every reading is stored once, on a plain
/// subscription and on a shared one the broker does not restore. <see cref="BrokerMemoryLossTests"/> has the restarts
/// that forget everything (a class of their own, so the two pairs run side by side).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerRestartTests
{
    [Fact]
    public async Task Three_broker_restarts_mid_stream_lose_nothing_the_broker_acknowledged_and_store_each_reading_once()
    {
        // One cloud instance on a plain subscription: its persistent session survives the restarts.
        var (ledger, witness) = await BrokerRestartRun.RunAsync("broker-restart", sharedGroup: string.Empty, persistence: true, restarts: 3, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), plain subscription", 3);
        ledger.AssertNothingLostOrDuplicated("after three broker restarts");
        Assert.Empty(Ledger.OrderProblems(witness));
        Assert.Equal(BrokerRestartRun.Agents, ledger.Boots.Count);
    }

    [Fact]
    public async Task With_a_shared_subscription_mosquitto_forgets_on_restart_the_agents_send_again_what_the_cloud_did_not_store()
    {
        // Mosquitto 2.0 does not restore shared subscriptions ($share/cloud/...) from its persistence file: what agents
        // publish after the restart and before the cloud has subscribed again goes to no one, although the broker
        // acknowledged it. The cloud's watermark stalls there, and the agents send it again.
        var (ledger, witness) = await BrokerRestartRun.RunAsync("broker-restart-shared", sharedGroup: "cloud", persistence: true, restarts: 3, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted 3 times (SIGTERM, persistence on), shared subscription", 3);
        ledger.AssertNothingLostOrDuplicated("after three broker restarts with a shared subscription");
        Assert.Empty(Ledger.OrderProblems(witness));
    }
}
