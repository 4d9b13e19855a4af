using System.Collections.Concurrent;
using Iot.Cloud.Broker;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// The cloud holds at most its receive maximum of unacknowledged messages on a session, whatever the broker sends:
/// Mosquitto 2.0.11 (Debian 12's) puts up to a receive maximum of queued messages more in flight at each acknowledgement of
/// the oldest one, and a cloud that fell behind held tens of thousands of messages in memory.
/// </summary>
public sealed class ReceiveMaximumTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const int ReceiveMaximum = 10;
    private const int Messages = 60;

    [Fact]
    public async Task A_session_behind_its_messages_holds_no_more_than_its_receive_maximum()
    {
        var arrived = new Held();
        var options = Options.Create(new BrokerOptions { Mode = BrokerMode.External, Host = "127.0.0.1", Port = broker.Port, ClientId = $"iot-cloud-{Guid.NewGuid():N}", ReceiveMaximum = ReceiveMaximum });
        using var main = new CloudMqttClient(options, BrokerSession.Main, arrived, TimeProvider.System, TimeProvider.System, NullLogger<CloudMqttClient>.Instance);
        await main.StartAsync(CancellationToken.None);
        try
        {
            await CloudHost.WaitUntilAsync(() => Task.FromResult(main.IsSubscribed), "the main session subscribed");
            await using var agent = await TestAgent.ConnectAsync(broker.Port);
            for (var seq = 1; seq <= Messages; seq++)
            {
                await agent.TelemetryAsync(seq, TestAgent.Current(0.4, DateTimeOffset.UtcNow));
            }

            // A store that keeps the receive maximum waiting: the oldest is acknowledged only once as many as allowed are held.
            var acknowledged = 0;
            while (acknowledged < Messages)
            {
                await CloudHost.WaitUntilAsync(() => Task.FromResult(arrived.Count - acknowledged >= Math.Min(ReceiveMaximum, Messages - acknowledged)), $"{ReceiveMaximum} messages held after {acknowledged} acknowledged");
                await arrived.AcknowledgeOldestAsync();
                acknowledged++;
            }

            Assert.Equal(Messages, arrived.Count);
            Assert.True(arrived.MostHeld <= ReceiveMaximum, $"held {arrived.MostHeld} unacknowledged messages at once, receive maximum {ReceiveMaximum}");
            Assert.Equal(0, main.Held);
        }
        finally
        {
            await main.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What the session handed on, held unacknowledged until the test lets the oldest go.</summary>
    private sealed class Held : IArrivals
    {
        private readonly ConcurrentQueue<ArrivedMessage> _waiting = new();
        private int _count;
        private int _held;
        private int _mostHeld;

        public int Count => Volatile.Read(ref _count);

        public int MostHeld => Volatile.Read(ref _mostHeld);

        public ValueTask AcceptAsync(ArrivedMessage message, CancellationToken cancellationToken)
        {
            _waiting.Enqueue(message);
            var held = Interlocked.Increment(ref _held);
            int most;
            while ((most = Volatile.Read(ref _mostHeld)) < held && Interlocked.CompareExchange(ref _mostHeld, held, most) != most)
            {
            }

            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }

        public async Task AcknowledgeOldestAsync()
        {
            Assert.True(_waiting.TryDequeue(out var oldest));
            Interlocked.Decrement(ref _held);
            await oldest.Acknowledge(CancellationToken.None);
        }
    }
}
