using System.Net;
using System.Net.Sockets;
using Iot.Cloud.Broker;
using Iot.Testing;
using Iot.Testing.Services;
using MQTTnet;
using MQTTnet.Formatter;

namespace Iot.Cloud.Tests.Broker;

/// <summary>The embedded broker's limits, met by real clients: packet size, connections, sessions, messages queued per client.</summary>
public sealed class EmbeddedBrokerLimitsTests
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    private static bool Accepted(MqttClientPublishResult result) =>
        result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;

    [Fact]
    public async Task The_protocols_largest_payload_passes_and_a_larger_packet_ends_the_connection_undelivered()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync();
        await using var reader = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        await reader.SubscribeAsync("big/#");

        // MQTT 5 clients are told the limit.
        var (writer, connected) = await MqttTestClient.TryConnectAsync("127.0.0.1", broker.Port);
        await using (writer)
        {
            Assert.Equal((uint)BrokerOptions.DefaultMaxPacketBytes, connected.MaximumPacketSize);
            Assert.True(Accepted(await writer.PublishAsync("big/largest", new byte[BrokerOptions.ProtocolMaxPayloadBytes])));
            await reader.WaitForAsync(m => m.Topic == "big/largest" && m.Payload.Length == BrokerOptions.ProtocolMaxPayloadBytes, Wait);
        }

        // An MQTT 3.1.1 client is not told, and sends one anyway.
        await using var old = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, configure: o => o.WithProtocolVersion(MqttProtocolVersion.V311));
        await Assert.ThrowsAnyAsync<Exception>(() => old.PublishAsync("big/too-large", new byte[BrokerOptions.DefaultMaxPacketBytes]));
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(!old.Client.IsConnected), Wait, "the connection of the client that sent too much closed");
        Assert.Contains(broker.Logged(), m => m.Contains("more than 300000 (Broker:MaxPacketBytes)", StringComparison.Ordinal));

        // The reader is still served, and never saw it.
        await using var after = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        Assert.True(Accepted(await after.PublishAsync("big/after", "small")));
        await reader.WaitForAsync(m => m.Topic == "big/after", Wait);
        Assert.DoesNotContain(reader.Received, m => m.Topic == "big/too-large");
    }

    [Fact]
    public async Task A_header_announcing_a_huge_packet_closes_the_connection_before_its_body_is_awaited()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, broker.Port);
        var stream = client.GetStream();

        // CONNECT with MQTT's largest remaining length, 268,435,455 bytes, of which none follows.
        await stream.WriteAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F });

        Assert.Equal(0, await ReadOrEndAsync(stream));
        Assert.Contains(broker.Logged(), m => m.Contains("bytes announced, more than 300000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_at_once_and_a_freed_place_is_taken_again()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync(o => o.MaxConnections = 3);
        var held = new List<TcpClient>();
        try
        {
            // Three connections hold the places (no CONNECT yet: the broker gives them its connect timeout).
            for (var i = 0; i < 3; i++)
            {
                var tcp = new TcpClient();
                held.Add(tcp);
                await tcp.ConnectAsync(IPAddress.Loopback, broker.Port);
            }

            using (var fourth = new TcpClient())
            {
                await fourth.ConnectAsync(IPAddress.Loopback, broker.Port);
                Assert.Equal(0, await ReadOrEndAsync(fourth.GetStream()));
            }

            Assert.Contains(broker.Logged(), m => m.Contains("3 connections open already", StringComparison.Ordinal));

            held[0].Dispose();
            await ServiceProcess.WaitUntilAsync(
                async () =>
                {
                    // Until the broker has seen the freed connection end, a new one is still closed at once.
                    try
                    {
                        var (client, result) = await MqttTestClient.TryConnectAsync("127.0.0.1", broker.Port);
                        await client.DisposeAsync();
                        return result.ResultCode == MqttClientConnectResultCode.Success;
                    }
                    catch (MQTTnet.Exceptions.MqttCommunicationException)
                    {
                        return false;
                    }
                },
                Wait,
                "an MQTT connection in the freed place");
        }
        finally
        {
            foreach (var tcp in held)
            {
                tcp.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_new_client_id_beyond_the_session_limit_is_refused_while_a_kept_session_comes_back()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync(o => o.MaxSessions = 2);
        foreach (var id in new[] { "keeper-1", "keeper-2" })
        {
            await using var keeper = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, clientId: id, configure: Persistent);
            await keeper.SubscribeAsync("kept/#");
        }

        var (newcomer, refusal) = await MqttTestClient.TryConnectAsync("127.0.0.1", broker.Port, clientId: "newcomer", configure: Persistent);
        await using (newcomer)
        {
            Assert.Equal(MqttClientConnectResultCode.QuotaExceeded, refusal.ResultCode);
        }

        var (back, result) = await MqttTestClient.TryConnectAsync("127.0.0.1", broker.Port, clientId: "keeper-1", configure: Persistent);
        await using (back)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.True(result.IsSessionPresent);
        }
    }

    [Fact]
    public async Task An_absent_client_is_kept_only_its_newest_messages_up_to_the_limit()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync(o => o.MaxPendingMessagesPerClient = 5);
        await using (var away = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, clientId: "away", configure: Persistent))
        {
            await away.SubscribeAsync("queue/#");
        }

        await using (var publisher = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port))
        {
            for (var i = 1; i <= 12; i++)
            {
                await publisher.PublishAsync("queue/item", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await using var back = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, clientId: "away", configure: Persistent);
        await back.WaitForAsync(m => m.Text == "12", Wait);
        Assert.Equal(["8", "9", "10", "11", "12"], back.Received.Select(m => m.Text));
    }

    private static void Persistent(MqttClientOptionsBuilder options) =>
        options.WithCleanStart(false).WithSessionExpiryInterval(3600);

    /// <summary>Reads until the broker closes the connection (0) or sends something; a reset counts as closed.</summary>
    private static async Task<int> ReadOrEndAsync(NetworkStream stream)
    {
        using var deadline = new CancellationTokenSource(Wait);
        try
        {
            return await stream.ReadAsync(new byte[16], deadline.Token);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return 0;
        }
    }
}
