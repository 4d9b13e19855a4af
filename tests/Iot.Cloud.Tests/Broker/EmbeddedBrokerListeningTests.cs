using System.Globalization;
using System.Net;
using Iot.Cloud.Broker;
using Iot.Testing;
using Iot.Testing.Services;
using MQTTnet;
using Xunit.Abstractions;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// Where the embedded broker answers: on 127.0.0.1 and ::1 and nowhere else unless it enforces accounts. The machine's
/// other addresses are found from its network interfaces and each one is tried.
/// </summary>
public sealed class EmbeddedBrokerListeningTests(ProvisionedFiles files, ITestOutputHelper output) : IClassFixture<ProvisionedFiles>, IDisposable
{
    private readonly string _folder = ServiceProcess.TempFolder("broker-listening");

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
    public async Task By_default_it_answers_on_ipv4_and_ipv6_loopback_and_on_no_other_address_of_the_machine()
    {
        await using var broker = await EmbeddedBrokerRun.StartAsync();
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);

        Assert.Equal([$"127.0.0.1:{port}", $"[::1]:{port}"], broker.Endpoints.Select(e => e.ToString()));
        foreach (var host in new[] { "127.0.0.1", "::1" })
        {
            // Clients without an account are the demo's (run.sh's fleet, mosquitto_sub): allowed on loopback.
            await using var client = await MqttTestClient.ConnectAsync(host, broker.Port);
            Assert.True(client.Client.IsConnected, host);
        }

        var (published, publishOutput) = await Commands.MosquittoAsync("mosquitto_pub", "-h", "::1", "-p", port, "-r", "-q", "1", "-t", "probe/ipv6", "-m", "over ::1");
        Assert.True(published == 0, publishOutput);
        var (read, text) = await Commands.MosquittoAsync("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", "probe/ipv6", "-C", "1");
        Assert.True(read == 0, text);
        Assert.Equal("over ::1", text.Trim());

        var others = MachineAddresses.NonLoopback();
        output.WriteLine($"non-loopback addresses tried: {others.Count} ({string.Join(", ", others)})");
        foreach (var address in others)
        {
            Assert.False(await MachineAddresses.AcceptsAsync(address, broker.Port), $"{address}:{port} accepted a connection");
            var (exit, refused) = await Commands.MosquittoAsync("mosquitto_sub", "-h", address.ToString(), "-p", port, "-t", "estate/#", "-C", "1");
            Assert.True(exit != 0, $"mosquitto_sub on {address}: {refused}");
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task With_accounts_it_may_answer_beyond_loopback_and_there_too_only_to_an_account(string host)
    {
        var site = files.Provisioning;
        await using var broker = await EmbeddedBrokerRun.StartAsync(o =>
        {
            o.Host = host;
            o.Accounts = site.BrokerFolder;
            o.Username = Provisioning.Cloud;
            o.Password = site.PasswordOf(Provisioning.Cloud);
            o.EventsUsername = Provisioning.CloudEvents;
            o.EventsPassword = site.PasswordOf(Provisioning.CloudEvents);
        });
        var family = IPAddress.Parse(host).AddressFamily;

        var others = MachineAddresses.NonLoopback();
        output.WriteLine($"{host}: non-loopback addresses tried: {others.Count} ({string.Join(", ", others)})");
        foreach (var address in others)
        {
            if (address.AddressFamily != family)
            {
                Assert.False(await MachineAddresses.AcceptsAsync(address, broker.Port), $"{address}:{broker.Port} accepted a connection");
                continue;
            }

            var (anonymous, refusal) = await MqttTestClient.TryConnectAsync(address.ToString(), broker.Port);
            await using (anonymous)
            {
                Assert.Equal(MqttClientConnectResultCode.NotAuthorized, refusal.ResultCode);
            }

            await using var agent = await MqttTestClient.ConnectAsync(address.ToString(), broker.Port, site.A.Id, site.PasswordOf(site.A.Id));
            Assert.True(agent.Client.IsConnected);
        }

        // Loopback stays open to accounts, on both families.
        foreach (var loopback in new[] { "127.0.0.1", "::1" })
        {
            await using var cloud = await MqttTestClient.ConnectAsync(loopback, broker.Port, Provisioning.Cloud, site.PasswordOf(Provisioning.Cloud));
            Assert.True(cloud.Client.IsConnected, loopback);
        }
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task The_cloud_refuses_to_start_its_broker_beyond_loopback_without_accounts_with_exit_code_2_and_one_line(string host)
    {
        var port = ServiceProcess.FreePort();
        var environment = Settings(port);
        environment["Broker__Host"] = host;

        var (exit, text) = await Commands.DotnetAsync(Commands.Built("cloud/Iot.Cloud", "iot-cloud"), [], environment);

        Assert.True(exit == 2, $"exit {exit}: {text}");
        var problems = Problems(text);
        var problem = Assert.Single(problems);
        Assert.Contains($"Broker:Host {host} is not a loopback address", problem, StringComparison.Ordinal);
        Assert.Contains("Broker:Accounts", problem, StringComparison.Ordinal);
        Assert.False(await ServiceProcess.AcceptsConnectionsAsync(port));
    }

    [Fact]
    public async Task The_cloud_refuses_to_start_when_its_own_account_is_not_in_the_broker_accounts()
    {
        var site = files.Provisioning;
        var environment = Settings(ServiceProcess.FreePort());
        environment["Broker__Accounts"] = site.BrokerFolder;
        environment["Broker__Username"] = Provisioning.Cloud;
        environment["Broker__Password"] = site.PasswordOf(site.A.Id);
        environment["Broker__EventsUsername"] = Provisioning.CloudEvents;
        environment["Broker__EventsPassword"] = site.PasswordOf(Provisioning.CloudEvents);

        var (exit, text) = await Commands.DotnetAsync(Commands.Built("cloud/Iot.Cloud", "iot-cloud"), [], environment);

        Assert.True(exit == 2, $"exit {exit}: {text}");
        Assert.Contains("Broker:Username 'cloud-1' with Broker:Password is not an account of", Assert.Single(Problems(text)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt.yongchang.example", null, null, "Broker:Host 'mqtt.yongchang.example' is not an IP address")]
    [InlineData("192.0.2.10", null, null, "Broker:Host 192.0.2.10 is not a loopback address")]
    [InlineData("127.0.0.1", "/no/such/folder", "cloud-1", "Broker:Accounts '/no/such/folder' does not exist")]
    [InlineData("127.0.0.1", "provisioned", null, "Broker:Username is not set")]
    [InlineData("127.0.0.1", null, "cloud-1", "Broker:EventsUsername is not set while Broker:Username is")]
    public void Embedded_settings_are_checked_at_start(string host, string? accounts, string? user, string message)
    {
        var options = new BrokerOptions
        {
            Host = host,
            Accounts = accounts == "provisioned" ? files.Provisioning.BrokerFolder : accounts,
            Username = user,
            Password = user is null ? null : "secret",
        };

        var result = new BrokerOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures ?? [], f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Loopback_with_no_accounts_and_any_address_with_accounts_are_valid()
    {
        var validator = new BrokerOptionsValidator();
        Assert.True(validator.Validate(null, new BrokerOptions()).Succeeded);
        Assert.True(validator.Validate(null, new BrokerOptions { Host = "localhost" }).Succeeded);
        Assert.True(validator.Validate(null, new BrokerOptions { Host = "::1" }).Succeeded);
        Assert.True(validator.Validate(null, new BrokerOptions { Host = "0.0.0.0", Accounts = files.Provisioning.BrokerFolder, Username = "cloud-1", Password = "x", EventsUsername = "cloud-1-events", EventsPassword = "y" }).Succeeded);

        // Mosquitto (external) is where the host may be a name and accounts are Mosquitto's business.
        Assert.True(validator.Validate(null, new BrokerOptions { Mode = BrokerMode.External, Host = "mosquitto" }).Succeeded);
    }

    private static IReadOnlyList<string> Problems(string text) =>
        [.. text[text.IndexOf("iot-cloud did not start.", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal))];

    /// <summary>Settings that start: the embedded broker and the web on free loopback ports, SQLite in the test's folder.</summary>
    private Dictionary<string, string> Settings(int brokerPort) => new()
    {
        // As ./run.sh runs it: Production would also ask for the public deployment's settings and name them too.
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Urls"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
        ["Broker__Mode"] = "Embedded",
        ["Broker__Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Database__Provider"] = "Sqlite",
        ["Database__ConnectionString"] = $"Data Source={Path.Combine(_folder, "cloud.db")}",
        ["TimeSeries__Backend"] = "Sqlite",
        ["TimeSeries__SqlitePath"] = Path.Combine(_folder, "timeseries.db"),
        ["Sites__Folder"] = RepoPaths.SampleSite,
    };
}
