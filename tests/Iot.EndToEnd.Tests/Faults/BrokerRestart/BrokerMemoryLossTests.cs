using Iot.EndToEnd.Tests.Faults.Support;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.BrokerRestart;

/// <summary>
/// Mosquitto restarted forgetting what it acknowledged (no persistence, or its persistence file lost) while three real
/// agents and the real cloud keep running: the agents keep their records until the cloud's stored watermark passes them,
/// and send again what the cloud has not stored, so every reading is stored once.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BrokerMemoryLossTests
{
    [Fact]
    public async Task A_broker_restarted_without_persistence_forgets_every_session_and_the_agents_send_again_what_the_cloud_did_not_store()
    {
        var (ledger, _) = await BrokerRestartRun.RunAsync("broker-restart-no-persistence", sharedGroup: string.Empty, persistence: false, restarts: 1, b => b.RestartGracefullyAsync());
        ledger.Record("broker restarted without persistence: every session and queued message gone", 1);
        ledger.AssertNothingLostOrDuplicated("after a broker restart without persistence");
    }

    [Fact]
    public async Task A_broker_whose_persistence_file_is_deleted_between_stop_and_start_loses_nothing_the_agents_still_hold()
    {
        var (ledger, _) = await BrokerRestartRun.RunAsync("broker-lost-disk", sharedGroup: string.Empty, persistence: true, restarts: 1, b => b.RestartLosingItsDiskAsync());
        ledger.Record("broker's persistence file deleted between stop and start", 1);
        ledger.AssertNothingLostOrDuplicated("after the broker lost its persistence file");
    }
}
