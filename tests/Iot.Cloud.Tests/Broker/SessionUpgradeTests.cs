using System.Collections.Concurrent;
using Iot.Cloud.Broker;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// A cloud upgraded from the one-session version finds its main session kept by the broker, still subscribed to the
/// events: it must drop that subscription, or every event arrives twice, once behind the telemetry.
/// </summary>
public sealed class SessionUpgradeTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_kept_main_session_no_longer_receives_events()
    {
        const string clientId = "iot-cloud-upgraded";

        // The old cloud: main session subscribed to every uplink channel, events among them, kept for a day.
        var factory = new MqttClientFactory();
        using (var old = factory.CreateMqttClient())
        {
            await old.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(clientId).WithCleanStart(false).WithSessionExpiryInterval(86_400).Build());
            await old.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(AgentTopic.Filter(Channel.Events)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
            await old.DisconnectAsync();
        }

        // The new cloud's main session, on the same client id.
        var arrived = new Arrived();
        var options = Options.Create(new BrokerOptions { Mode = BrokerMode.External, Host = "127.0.0.1", Port = broker.Port, ClientId = clientId });
        using var main = new CloudMqttClient(options, BrokerSession.Main, arrived, TimeProvider.System, TimeProvider.System, NullLogger<CloudMqttClient>.Instance);
        await main.StartAsync(CancellationToken.None);
        try
        {
            await CloudHost.WaitUntilAsync(() => Task.FromResult(main.IsSubscribed), "the main session subscribed");

            // An event, then telemetry, from one agent: the broker routes them in that order, so once the telemetry is
            // here the event would have been too.
            await using var agent = await TestAgent.ConnectAsync(broker.Port);
            await agent.EventAsync(1, EventKind.GateForced, "gate-01", DateTimeOffset.UtcNow);
            await agent.TelemetryAsync(2, TestAgent.Current(0.4, DateTimeOffset.UtcNow));
            await CloudHost.WaitUntilAsync(() => Task.FromResult(arrived.Topics.Any(t => t.EndsWith("/telemetry", StringComparison.Ordinal))), "the telemetry on the main session");

            Assert.DoesNotContain(arrived.Topics, t => t.EndsWith("/events", StringComparison.Ordinal));
        }
        finally
        {
            await main.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What the session handed on, by topic (acknowledged at once: this test stores nothing).</summary>
    private sealed class Arrived : IArrivals
    {
        public ConcurrentQueue<string> Topics { get; } = new();

        public async ValueTask AcceptAsync(ArrivedMessage message, CancellationToken cancellationToken)
        {
            Topics.Enqueue(message.Topic);
            await message.Acknowledge(cancellationToken);
        }
    }
}
