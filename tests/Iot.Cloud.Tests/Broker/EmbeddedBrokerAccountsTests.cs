using System.Globalization;
using Iot.Cloud.Broker;
using Iot.Cloud.Ingest;
using Iot.Cloud.Signing;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// The embedded broker with the provisioned accounts in the running cloud: the cloud works through its own account
/// (uplink in, desired configs out), a re-provisioning takes effect without a restart, and a Last Will is held to the
/// ACL like any publish.
/// </summary>
public sealed class EmbeddedBrokerAccountsTests(ProvisionedFiles files) : IClassFixture<ProvisionedFiles>, IDisposable
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    private readonly string _folder = ServiceProcess.TempFolder("broker-accounts");

    private Provisioning Site => files.Provisioning;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task The_cloud_works_through_its_own_account_on_its_embedded_broker_open_to_the_network_and_nobody_gets_in_without_one()
    {
        // As a street office with real Pis would run it: every IPv4 address, accounts enforced.
        var port = ServiceProcess.FreePort();
        await using var cloud = await CloudHost.StartAsync(port, _folder, new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Host"] = "0.0.0.0",
            ["Broker:Accounts"] = Site.BrokerFolder,
            ["Broker:Username"] = Provisioning.Cloud,
            ["Broker:Password"] = Site.PasswordOf(Provisioning.Cloud),
            ["Broker:EventsUsername"] = Provisioning.CloudEvents,
            ["Broker:EventsPassword"] = Site.PasswordOf(Provisioning.CloudEvents),
            ["Broker:ClientId"] = Provisioning.Cloud,
        });
        await cloud.WaitReadyAsync();

        // Downlink: the cloud's desired config reached the agent's retained config topic. The agent comes from the
        // network when this machine has an address on one.
        var address = MachineAddresses.NonLoopback().FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)?.ToString() ?? "127.0.0.1";
        await using var agent = await MqttTestClient.ConnectAsync(address, port, Site.A.Id, Site.PasswordOf(Site.A.Id));
        await agent.SubscribeAsync(Site.A.Topic(Channel.Config));
        var config = await agent.WaitForAsync(m => m.Topic == Site.A.Topic(Channel.Config), Wait);
        using var trusted = TrustedKeys.FromPem([await File.ReadAllTextAsync(cloud.Get<CloudSigner>().PublicKeyFile)]);
        var opened = SignedMessage.Open(config.Payload, trusted, SignedPurpose.Config);
        Assert.True(opened.IsTrusted, opened.Problem);
        Assert.Equal(Site.A.Id, MessageReader.ReadDesiredConfig(opened.Payload, DateTimeOffset.UtcNow).Message!.Agent.ToString());

        // Uplink: the agent's telemetry is received and stored.
        var reading = new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.42, At: DateTimeOffset.UtcNow.AddSeconds(-5));
        var batch = new TelemetryBatch(ProtocolVersion.Current, AgentId.Parse(Site.A.Id), BootId.Parse("b0000000000000042"), 1, [reading]);
        var published = await agent.PublishAsync(Site.A.Topic(Channel.Telemetry), ProtocolJson.Serialize(batch));
        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);
        await cloud.WaitProcessedAsync(1);
        Assert.Equal(1, (await cloud.GetAsync<IngestStatsView>("/api/ingest/stats")).ReadingsSinceStart);

        var (anonymous, refusal) = await MqttTestClient.TryConnectAsync(address, port);
        await using (anonymous)
        {
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refusal.ResultCode);
        }
    }

    [Fact]
    public async Task A_reprovisioning_takes_effect_at_the_next_connection_and_broken_files_keep_the_previous_accounts()
    {
        var folder = Path.Combine(_folder, "broker");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Site.BrokerFolder, "passwd"), Path.Combine(folder, "passwd"));
        File.Copy(Path.Combine(Site.BrokerFolder, "acl"), Path.Combine(folder, "acl"));
        await using var broker = await EmbeddedBrokerRun.StartAsync(o =>
        {
            o.Accounts = folder;
            o.Username = Provisioning.Cloud;
            o.Password = Site.PasswordOf(Provisioning.Cloud);
            o.EventsUsername = Provisioning.CloudEvents;
            o.EventsPassword = Site.PasswordOf(Provisioning.CloudEvents);
        });
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsAsync(broker, Site.A.Id));

        // A Pi is shut out (stolen): its account leaves the files, as a re-provisioning would write them.
        var passwd = Path.Combine(folder, "passwd");
        File.WriteAllLines(passwd, File.ReadAllLines(passwd).Where(l => !l.StartsWith($"{Site.A.Id}:", StringComparison.Ordinal)));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsAsync(broker, Site.A.Id));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsAsync(broker, Site.B.Id));
        Assert.Contains(broker.Logged(LogLevel.Information), m => m.Contains("read its accounts again", StringComparison.Ordinal));

        // A half-written ACL neither locks everyone out nor lets anyone in.
        await File.AppendAllTextAsync(Path.Combine(folder, "acl"), "topic read\n");
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsAsync(broker, Site.B.Id));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ConnectAsAsync(broker, Site.A.Id));
        Assert.Contains(broker.Logged(LogLevel.Error), m => m.Contains("kept its previous accounts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_last_will_on_another_agents_status_is_refused_like_any_publish()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync(o =>
        {
            o.Accounts = Site.BrokerFolder;
            o.Username = Provisioning.Cloud;
            o.Password = Site.PasswordOf(Provisioning.Cloud);
            o.EventsUsername = Provisioning.CloudEvents;
            o.EventsPassword = Site.PasswordOf(Provisioning.CloudEvents);
        });
        await using var cloud = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, Provisioning.Cloud, Site.PasswordOf(Provisioning.Cloud));
        await cloud.SubscribeAsync(AgentTopic.Filter(Channel.Status));
        var configOfA = $"config {Guid.NewGuid():N}";
        await cloud.PublishAsync(Site.A.Topic(Channel.Config), configOfA, retain: true);

        // mosquitto_sub as A, leaving a forged "offline" for B as its will, then killed: the broker publishes the will.
        var log = Path.Combine(_folder, "mosquitto_sub.log");
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        var sub = ServiceProcess.Start(
            ServiceProcess.FindBinary("mosquitto_sub", "mosquitto-clients"),
            ["-h", "127.0.0.1", "-p", port, "-u", Site.A.Id, "-P", Site.PasswordOf(Site.A.Id), "-t", Site.A.Topic(Channel.Config),
             "--will-topic", Site.B.Topic(Channel.Status), "--will-payload", "forged offline", "--will-qos", "1", "--will-retain"],
            log);
        try
        {
            await ServiceProcess.WaitUntilAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains(configOfA, StringComparison.Ordinal)), Wait, "mosquitto_sub connected and given A's config", () => ServiceProcess.Tail(log));
        }
        finally
        {
            await ServiceProcess.KillAsync(sub);
            sub.Dispose();
        }

        await ServiceProcess.WaitUntilAsync(
            () => Task.FromResult(broker.Logged().Any(m => m.Contains($"refused a publish by '{Site.A.Id}' to {Site.B.Topic(Channel.Status)}", StringComparison.Ordinal))),
            Wait,
            "the will refused");
        await using (var b = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port, Site.B.Id, Site.PasswordOf(Site.B.Id)))
        {
            await b.PublishAsync(Site.B.Topic(Channel.Status), "b itself", retain: true);
        }

        await cloud.WaitForAsync(m => m.Text == "b itself", Wait);
        Assert.DoesNotContain(cloud.Received, m => m.Text == "forged offline");
    }

    private async Task<MqttClientConnectResultCode> ConnectAsAsync(EmbeddedBrokerRun broker, string account)
    {
        var (client, result) = await MqttTestClient.TryConnectAsync("127.0.0.1", broker.Port, account, Site.PasswordOf(account));
        await client.DisposeAsync();
        return result.ResultCode;
    }
}
