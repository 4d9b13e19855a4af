using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

/// <summary>Retained presence on a real Mosquitto, shared by the class and reset before each test (no retained status survives).</summary>
public sealed class PresenceTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private MosquittoBroker Broker => fixture.Broker;

    [Fact]
    public async Task Birth_is_retained_and_a_clean_shutdown_leaves_a_retained_offline_status()
    {
        await fixture.ResetAsync();
        await using var linked = new LinkedAgent(new AgentHarness(TestCourtyard.Only("lamp-01")), Broker);
        await using (var watcher = await LinkedAgent.WatchAsync(Broker))
        {
            var birth = LinkedAgent.Read<AgentStatus>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30)));
            Assert.Equal(Presence.Online, birth.State);
            Assert.Equal(linked.Agent.Runtime.ConfigHash, birth.ConfigHash);
            Assert.NotNull(birth.Health);
        }

        // A late subscriber (the cloud after a restart) still learns the agent is online.
        await using (var late = await LinkedAgent.WatchAsync(Broker))
        {
            var retained = await late.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30));
            Assert.True(retained.Retained);
            Assert.Equal(Presence.Online, LinkedAgent.Read<AgentStatus>(retained).State);
        }

        await linked.StopAsync();

        await using var after = await LinkedAgent.WatchAsync(Broker);
        var offline = await after.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30));
        var status = MessageReader.ReadStatus(offline.Payload, DateTimeOffset.UtcNow + TimeSpan.FromDays(1)).Message!;
        Assert.Equal((Presence.Offline, OfflineReason.Shutdown), (status.State, status.Reason));
        Assert.True(offline.Retained);
    }

    [Fact]
    public async Task A_request_for_status_is_answered_with_a_fresh_status_and_a_result()
    {
        await fixture.ResetAsync();
        await using var linked = new LinkedAgent(new AgentHarness(TestCourtyard.Only("lamp-01")), Broker);
        await using var watcher = await LinkedAgent.WatchAsync(Broker);
        await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30));

        await watcher.PublishAsync(linked.Topic(Channel.Commands), TestSigning.Sign(new Command(
            ProtocolVersion.Current, CommandId.Parse("status-please"), linked.Agent.Identity.Agent, CommandKind.RequestStatus, linked.Agent.Time.GetUtcNow())));

        var result = LinkedAgent.Read<CommandResult>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Results), Patience.Seconds(30)));
        Assert.True(result.Ok, result.Error);
        await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Status), 2, Patience.Seconds(30));
    }
}
