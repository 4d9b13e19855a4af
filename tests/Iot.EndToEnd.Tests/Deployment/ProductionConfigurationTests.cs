using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Testing;
using Iot.Testing.Services;
using Npgsql;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>
/// The production configuration without containers: Mosquitto on compose's own config with the generated accounts,
/// ACL and TLS; InfluxDB; PostgreSQL; the real cloud program configured as compose configures it; two agents
/// installed from their provisioning bundles (site slice, agent.env, CA), over simulated chips.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProductionConfigurationTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180); // a deadline only matters when something is broken
    private readonly string _folder = ServiceProcess.TempFolder("production");

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
    public async Task Agents_installed_from_their_bundles_come_online_over_tls_with_their_readings_in_influx_and_their_config_in_sync()
    {
        var provisioning = Path.Combine(_folder, "provisioning");
        var (provisioned, provisionOutput) = await ProgramProcess.RunAsync(ProgramProcess.Edge, "provision", "broker", RepoPaths.SampleSite, "--out", provisioning);
        Assert.True(provisioned == 0, provisionOutput);

        await using var broker = await ProductionBroker.StartAsync(Path.Combine(provisioning, "broker"));
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("estate");
        await using var influx = await InfluxServer.StartAsync();

        // The cloud, with the environment compose gives it (docker/compose.yaml), pointed at this machine's services.
        var web = ServiceProcess.FreePort();
        var cloudEnvironment = new Dictionary<string, string>(EnvFile(Path.Combine(provisioning, "cloud", "cloud-1.env")))
        {
            ["Urls"] = $"http://127.0.0.1:{web}",
            ["TZ"] = "Asia/Shanghai",
            ["Broker__Mode"] = "External",
            ["Broker__Host"] = "127.0.0.1",
            ["Broker__Port"] = broker.TlsPort.ToString(CultureInfo.InvariantCulture),
            ["Broker__UseTls"] = "true",
            ["Broker__CaFile"] = Path.Combine(provisioning, "cloud", "ca.crt"),
            ["Broker__SharedGroup"] = "",
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = database,
            ["TimeSeries__Backend"] = "Influx",
            ["TimeSeries__Influx__Url"] = influx.Url.ToString(),
            ["TimeSeries__Influx__Database"] = "estate",
            ["Sites__Folder"] = RepoPaths.SampleSite,
            ["Signing__KeyFile"] = Path.Combine(_folder, "cloud-signing", "cloud-signing.pem"),
            ["Logging__LogLevel__Default"] = "Warning",

            // Production, with the settings it requires; this test talks plain HTTP to loopback where compose has the
            // TLS proxy in front, so the cookie may travel without HTTPS here.
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Web__PublicBaseUrl"] = $"http://127.0.0.1:{web}",
            ["Operations__MetricsToken"] = new string('m', 40),
            ["Web__KnownProxies__0"] = "127.0.0.1",
            ["Auth__SecureCookies"] = "false",
        };
        await using var cloud = ProgramProcess.Start(ProgramProcess.Cloud, [], cloudEnvironment, Path.Combine(_folder, "cloud.log"));
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{web}"),
            Timeout = Iot.Testing.Patience.Seconds(30),
        };
        await ServiceProcess.WaitUntilAsync(() => ReadyAsync(http, cloud), Patience, "the cloud's /readyz", cloud.Tail);

        // The first account, as the operator creates it (docker/README.md): the accounts command on the same settings.
        var (added, addOutput) = await ProgramProcess.RunAsync(ProgramProcess.Cloud, ["accounts", "add", "chen", "--role", "streetAdmin", "--name", "陈科员"],
            cloudEnvironment, input: "a long passphrase for tests\n");
        Assert.True(added == 0, addOutput);
        using (var signIn = await http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { userName = "chen", password = "a long passphrase for tests" }))
        {
            Assert.True(signIn.IsSuccessStatusCode, await signIn.Content.ReadAsStringAsync());
        }

        // Two agents, each from its own bundle: its manifest slice, its agent.env, its pinned CA.
        string[] agents = ["yikang-1-a", "huachang-5-a"];
        var running = new List<ProgramProcess>();
        try
        {
            foreach (var agent in agents)
            {
                running.Add(await StartAgentAsync(agent, provisioning, broker.TlsPort));
            }

            foreach (var agent in agents)
            {
                await ServiceProcess.WaitUntilAsync(
                    async () => await AgentAsync(http, agent) is { } view && view.Presence == "online" && view.Config == "inSync",
                    Patience,
                    $"{agent} online with its config in sync",
                    () => $"{running[Array.IndexOf(agents, agent)].Tail()}\n{cloud.Tail()}");
            }

            using var influxHttp = new HttpClient { BaseAddress = influx.Url };
            foreach (var agent in agents)
            {
                await ServiceProcess.WaitUntilAsync(async () => await ReadingsInInfluxAsync(influxHttp, agent) > 0, Patience, $"{agent}'s readings in InfluxDB");
            }
        }
        finally
        {
            foreach (var agent in running)
            {
                await agent.DisposeAsync();
            }
        }

        // The site registry is in PostgreSQL; the cloud is ready, naming every store healthy.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM courtyards", connection);
            Assert.Equal(115L, (long)(await count.ExecuteScalarAsync())!);
        }

        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var report = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.IsSuccessStatusCode, report);
        Assert.Contains("Healthy", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhealthy", report, StringComparison.Ordinal);
    }

    private async Task<ProgramProcess> StartAgentAsync(string agent, string provisioning, int tlsPort)
    {
        var (made, output) = await ProgramProcess.RunAsync(ProgramProcess.Edge, "provision", "bundle", RepoPaths.SampleSite, "--out", provisioning,
            "--agent", agent, "--broker", $"127.0.0.1:{tlsPort.ToString(CultureInfo.InvariantCulture)}",
            "--cloud-key", Path.Combine(_folder, "cloud-signing", "cloud-signing.pub.pem"));
        Assert.True(made == 0, output);
        var bundle = Path.Combine(provisioning, "bundles", agent);

        // What systemd does with the unit: agent.env as the environment; the CA where the bundle put it on the Pi.
        var environment = new Dictionary<string, string>(EnvFile(Path.Combine(bundle, "agent.env")))
        {
            ["Mqtt__CaFile"] = Path.Combine(bundle, "broker-ca.pem"),
            ["Edge__TrustedKeys"] = Path.Combine(bundle, "trusted-keys"),
            ["Edge__DataFolder"] = Path.Combine(_folder, "edge", agent),
            ["Edge__StatusSeconds"] = "5",
        };
        Assert.Equal(agent, environment["AGENT_ID"]);
        return ProgramProcess.Start(ProgramProcess.Edge, ["run", Path.Combine(bundle, "site"), "--agent", environment["AGENT_ID"], "--simulate", "--sample-seconds", "1"],
            environment, Path.Combine(_folder, $"{agent}.log"));
    }

    private static async Task<bool> ReadyAsync(HttpClient http, ProgramProcess cloud)
    {
        if (cloud.HasExited)
        {
            throw new InvalidOperationException($"the cloud stopped: {cloud.Tail()}");
        }

        try
        {
            return (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false; // not listening yet, or too busy to answer within the client's timeout: ask again
        }
    }

    private sealed record AgentState(string Presence, string Config);

    private static async Task<AgentState?> AgentAsync(HttpClient http, string agent)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"/api/agents/{agent}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var view = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("agent");
            return new AgentState(view.GetProperty("presence").GetString()!, view.GetProperty("config").GetString()!);
        }
        catch (TaskCanceledException)
        {
            return null; // too busy to answer within the client's timeout: ask again
        }
    }

    private static async Task<long> ReadingsInInfluxAsync(HttpClient influx, string agent)
    {
        var query = Uri.EscapeDataString($"SELECT count(\"value\") FROM \"estate\".\"raw\".\"reading\" WHERE \"agent\" = '{agent}'");
        var result = await influx.GetFromJsonAsync<JsonElement>(new Uri($"/query?db=estate&q={query}", UriKind.Relative));
        var series = result.GetProperty("results")[0];
        return series.TryGetProperty("series", out var s) ? s[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    /// <summary>KEY=VALUE lines, as systemd's EnvironmentFile and compose's env_file read them.</summary>
    private static Dictionary<string, string> EnvFile(string file) =>
        File.ReadAllLines(file)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
