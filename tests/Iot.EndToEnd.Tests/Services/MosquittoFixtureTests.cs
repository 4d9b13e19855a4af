using Iot.Testing;
using Iot.Testing.Services;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.EndToEnd.Tests.Services;

public class MosquittoFixtureTests
{
    [Fact]
    public async Task Anonymous_broker_relays_a_publish_and_stops_leaving_no_process()
    {
        int pid;
        await using (var broker = await MosquittoBroker.StartAsync())
        {
            pid = broker.Pid;
            await using var subscriber = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
            await subscriber.SubscribeAsync("estate/v1/#");
            await using var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
            await publisher.PublishAsync("estate/v1/yongchang/yikang-12/yikang-12-a/telemetry", "{}");

            var message = await subscriber.WaitForAsync(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal));
            Assert.Equal("{}", message.Text);
            Assert.True(ServiceProcess.IsAlive(pid));
        }

        Assert.False(ServiceProcess.IsAlive(pid));
    }

    [Fact]
    public async Task Broker_with_password_file_and_acl_refuses_strangers_and_confines_each_account()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            AllowAnonymous = false,
            Users = new Dictionary<string, string> { ["cloud"] = "cloud-secret", ["agent-a"] = "a-secret" },
            Acl = """
                user cloud
                topic readwrite estate/#

                user agent-a
                topic write estate/v1/s/c/agent-a/#
                topic read estate/v1/s/c/agent-a/config
                """,
        });

        var (anonymous, anonymousResult) = await MqttTestClient.TryConnectAsync(broker.Host, broker.Port);
        await using (anonymous)
        {
            Assert.NotEqual(MqttClientConnectResultCode.Success, anonymousResult.ResultCode);
        }

        var (wrong, wrongResult) = await MqttTestClient.TryConnectAsync(broker.Host, broker.Port, "agent-a", "guess");
        await using (wrong)
        {
            // Mosquitto 2.0 answers a wrong password with "not authorized" rather than "bad user name or password".
            Assert.Contains(wrongResult.ResultCode, new[] { MqttClientConnectResultCode.BadUserNameOrPassword, MqttClientConnectResultCode.NotAuthorized });
        }

        await using var cloud = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "cloud", "cloud-secret");
        await cloud.SubscribeAsync("estate/#");
        await using var agent = await MqttTestClient.ConnectAsync(broker.Host, broker.Port, "agent-a", "a-secret");

        var denied = await agent.PublishAsync("estate/v1/s/c/agent-b/telemetry", "spoofed");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, denied.ReasonCode);

        // A message it may send arrives after the refused one would have: so the refused one never came.
        await agent.PublishAsync("estate/v1/s/c/agent-a/telemetry", "own");
        await cloud.WaitForAsync(m => m.Text == "own");
        Assert.DoesNotContain(cloud.Received, m => m.Text == "spoofed");
    }

    [Fact]
    public async Task Restarted_broker_listens_on_the_same_port_again()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var firstPid = broker.Pid;
        await broker.RestartAsync();

        Assert.False(ServiceProcess.IsAlive(firstPid));
        await using var client = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        Assert.True(client.Client.IsConnected);
    }
}
