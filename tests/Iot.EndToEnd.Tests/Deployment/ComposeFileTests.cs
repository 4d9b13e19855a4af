using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>
/// docker/compose.yaml, compose.emqx.yaml and compose.edge.yaml, validated by docker-compose itself (no engine is needed for that) with an
/// .env made from .env.example and a freshly provisioned folder; then every build context, Dockerfile, file the
/// Dockerfiles copy and bind-mounted path is checked to exist.
/// </summary>
public sealed partial class ComposeFileTests : IDisposable
{
    private readonly string _folder = ServiceProcess.TempFolder("compose");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Docker(string file) => RepoPaths.Of("docker", file);

    [Fact]
    public async Task The_server_compose_file_validates_and_everything_it_builds_or_mounts_exists()
    {
        var (_, env) = await ProvisionedAsync();

        var config = await ResolvedAsync(Docker("compose.yaml"), env);

        var services = config.GetProperty("services");
        Assert.Equal(["cloud", "influxdb", "mosquitto", "postgres"], services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        CheckBuildsAndMounts(services);

        // The cloud starts only once every service it needs is healthy, and each of them can say so.
        var cloud = services.GetProperty("cloud");
        foreach (var dependency in cloud.GetProperty("depends_on").EnumerateObject())
        {
            Assert.Equal("service_healthy", dependency.Value.GetProperty("condition").GetString());
            Assert.True(services.GetProperty(dependency.Name).TryGetProperty("healthcheck", out _), $"{dependency.Name} has no health check");
        }

        // Configured as the end-to-end test configures it: external broker over TLS, PostgreSQL, InfluxDB; secrets filled in.
        var environment = cloud.GetProperty("environment");
        Assert.Equal("External", environment.GetProperty("Broker__Mode").GetString());
        Assert.Equal("true", environment.GetProperty("Broker__UseTls").GetString());
        Assert.Equal("Postgres", environment.GetProperty("Database__Provider").GetString());
        Assert.Equal("Influx", environment.GetProperty("TimeSeries__Backend").GetString());
        Assert.Equal("cloud-1", environment.GetProperty("Broker__Username").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{24}$", environment.GetProperty("Broker__Password").GetString());
        Assert.Equal("cloud-1-events", environment.GetProperty("Broker__EventsUsername").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{24}$", environment.GetProperty("Broker__EventsPassword").GetString());
        Assert.All(new[] { "mosquitto-data", "influxdb-data", "postgres-data", "cloud-keys", "cloud-signing" }, v => Assert.True(config.GetProperty("volumes").TryGetProperty(v, out _), v));

        // Production's requirements filled in, and the web published on the host's loopback only (the TLS proxy is the way in).
        Assert.Equal("https://estate.example.cn", environment.GetProperty("Web__PublicBaseUrl").GetString());
        Assert.True(environment.GetProperty("Operations__MetricsToken").GetString()!.Length >= 32);
        Assert.Equal(["127.0.0.1:8080:8080/tcp"], cloud.GetProperty("ports").EnumerateArray().Select(p => p.GetString()));

        // The proxy on the host reaches the published port through the project network's gateway, which is pinned and trusted.
        var network = config.GetProperty("networks").GetProperty("default").GetProperty("ipam").GetProperty("config")[0];
        Assert.Equal("172.30.0.0/24", network.GetProperty("subnet").GetString());
        Assert.Equal(network.GetProperty("gateway").GetString(), environment.GetProperty("Web__KnownProxies__0").GetString());
    }

    [Fact]
    public async Task The_edge_compose_file_validates_with_an_agent_bundle_and_everything_it_builds_or_mounts_exists()
    {
        var provisioning = Path.Combine(_folder, "provisioning");
        Assert.Equal(0, (await ProgramProcess.RunAsync(ProgramProcess.Edge, "provision", "broker", RepoPaths.SampleSite, "--out", provisioning)).Exit);
        var (exit, output) = await ProgramProcess.RunAsync(ProgramProcess.Edge, "provision", "bundle", RepoPaths.SampleSite, "--out", provisioning, "--agent", "yikang-1-a", "--broker", "mqtt.example:8883",
            "--cloud-key", Path.Combine(TestSigning.TrustedKeysFolder, "test-cloud.pub.pem"));
        Assert.True(exit == 0, output);
        var env = Path.Combine(_folder, "edge.env");
        await File.WriteAllTextAsync(env, $"AGENT_BUNDLE={Path.Combine(provisioning, "bundles", "yikang-1-a")}\nAGENT_ID=yikang-1-a\n");

        var config = await ResolvedAsync(Docker("compose.edge.yaml"), env);

        var edge = config.GetProperty("services").GetProperty("edge");
        CheckBuildsAndMounts(config.GetProperty("services"));
        Assert.Equal(["run", "/etc/iot-edge/site", "--agent", "yikang-1-a"], edge.GetProperty("command").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("yikang-1-a", edge.GetProperty("environment").GetProperty("Mqtt__Username").GetString());
    }

    [Fact]
    public async Task The_emqx_compose_file_validates_and_every_file_it_mounts_exists_after_provisioning()
    {
        var (provisioning, env) = await ProvisionedAsync("--cloud-instances", "2");

        var config = await ResolvedAsync(Docker("compose.emqx.yaml"), env);
        var mosquitto = await ResolvedAsync(Docker("compose.yaml"), env);

        var services = config.GetProperty("services");
        Assert.Equal(["cloud", "cloud-2", "emqx1", "emqx2", "influxdb", "postgres"], services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        CheckBuildsAndMounts(services);

        // Every file emqx.conf names under /opt/emqx/etc/iot/ is in the provisioned broker/ folder mounted there.
        var conf = await File.ReadAllTextAsync(Docker("emqx/emqx.conf"));
        var named = EmqxIotFile().Matches(conf).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(["ca.crt", "emqx-acl.conf", "emqx-users.json", "server.crt", "server.key"], named.Order(StringComparer.Ordinal));
        foreach (var node in new[] { "emqx1", "emqx2" })
        {
            var emqx = services.GetProperty(node);
            var mounts = emqx.GetProperty("volumes").EnumerateArray().Select(v => v.GetString()!).ToList();
            Assert.Contains($"{Path.Combine(provisioning, "broker")}:/opt/emqx/etc/iot:ro", mounts);
            Assert.Contains($"{Docker("emqx/emqx.conf")}:/opt/emqx/etc/emqx.conf:ro", mounts);
            Assert.All(named, f => Assert.True(File.Exists(Path.Combine(provisioning, "broker", f)), $"{node} needs broker/{f}, which provisioning did not write"));

            // A static cluster: each node's name is one of the seeds and resolves on the network (its alias); both answer to "emqx".
            var name = emqx.GetProperty("environment").GetProperty("EMQX_NODE__NAME").GetString()!;
            Assert.Contains($"\"{name}\"", conf, StringComparison.Ordinal);
            var aliases = emqx.GetProperty("networks").GetProperty("default").GetProperty("aliases").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.Contains(name[(name.IndexOf('@', StringComparison.Ordinal) + 1)..], aliases);
            Assert.Contains("emqx", aliases);
            Assert.Equal("change-me-emqx-cookie", emqx.GetProperty("environment").GetProperty("EMQX_NODE__COOKIE").GetString());
            Assert.Matches(@"^emqx/emqx:5\.8\.\d+$", emqx.GetProperty("image").GetString());
            Assert.True(emqx.TryGetProperty("healthcheck", out _), node);
        }

        Assert.Contains("static.seeds = [\"emqx@emqx1.iot-estate\", \"emqx@emqx2.iot-estate\"]", conf, StringComparison.Ordinal);
        // The dashboard only on the host's loopback; MQTT over TLS for the Pis.
        // (docker-compose 1.29 writes a port published on every address in the long form.)
        Assert.Equal(["8883:8883", "127.0.0.1:18083:18083/tcp"], services.GetProperty("emqx1").GetProperty("ports").EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : $"{p.GetProperty("published")}:{p.GetProperty("target")}"));

        // The broker's certificate names the alias the cloud connects to.
        using (var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(provisioning, "broker", "server.crt")))
        {
            Assert.Contains("emqx", certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        }

        // Two cloud instances with their own accounts, one shared group, both waiting for healthy nodes.
        foreach (var (service, account) in new[] { ("cloud", "cloud-1"), ("cloud-2", "cloud-2") })
        {
            var environment = services.GetProperty(service).GetProperty("environment");
            Assert.Equal("emqx", environment.GetProperty("Broker__Host").GetString());
            Assert.Equal("cloud", environment.GetProperty("Broker__SharedGroup").GetString());
            Assert.Equal(account, environment.GetProperty("Broker__Username").GetString());
            Assert.Equal(account, environment.GetProperty("Broker__ClientId").GetString());
            Assert.Equal($"{account}-events", environment.GetProperty("Broker__EventsUsername").GetString());
        }

        var cloud = services.GetProperty("cloud");
        Assert.Equal(["emqx1", "emqx2", "influxdb", "postgres"], cloud.GetProperty("depends_on").EnumerateObject().Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.All(cloud.GetProperty("depends_on").EnumerateObject(), d => Assert.Equal("service_healthy", d.Value.GetProperty("condition").GetString()));

        // The rest as compose.yaml has it: the cloud but for its broker, InfluxDB and PostgreSQL exactly, the same volumes.
        var plain = mosquitto.GetProperty("services");
        Assert.Equal(Without(plain.GetProperty("cloud"), "Broker__Host", "Broker__SharedGroup"), Without(cloud, "Broker__Host", "Broker__SharedGroup"));
        Assert.Equal(plain.GetProperty("influxdb").GetRawText(), services.GetProperty("influxdb").GetRawText());
        Assert.Equal(plain.GetProperty("postgres").GetRawText(), services.GetProperty("postgres").GetRawText());
        Assert.Equal(mosquitto.GetProperty("networks").GetRawText(), config.GetProperty("networks").GetRawText());
        Assert.All(new[] { "emqx1-data", "emqx2-data", "influxdb-data", "postgres-data", "cloud-keys", "cloud-signing" }, v => Assert.True(config.GetProperty("volumes").TryGetProperty(v, out _), v));
    }

    // The broker's provisioning (as `iot-edge provision broker` makes it for the server) and an .env from .env.example
    // pointing at it, as docker/README.md's first start has the operator make them.
    private async Task<(string Provisioning, string Env)> ProvisionedAsync(params string[] options)
    {
        var provisioning = Path.Combine(_folder, "provisioning");
        var (exit, output) = await ProgramProcess.RunAsync(ProgramProcess.Edge, ["provision", "broker", RepoPaths.SampleSite, "--out", provisioning, .. options]);
        Assert.True(exit == 0, output);
        var env = Path.Combine(_folder, ".env");
        await File.WriteAllTextAsync(env, Regex.Replace(await File.ReadAllTextAsync(Docker(".env.example")), "^IOT_PROVISIONING=.*$", $"IOT_PROVISIONING={provisioning}", RegexOptions.Multiline));
        return (provisioning, env);
    }

    // A service as JSON without its depends_on and the named environment entries, for comparing two files' versions.
    private static string Without(JsonElement service, params string[] environment)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(service.GetRawText())!.AsObject();
        node.Remove("depends_on");
        foreach (var name in environment)
        {
            node["environment"]!.AsObject().Remove(name);
        }

        return node.ToJsonString();
    }

    [GeneratedRegex(@"""/opt/emqx/etc/iot/([^""]+)""")]
    private static partial Regex EmqxIotFile();

    [Fact]
    public async Task The_env_example_names_every_variable_the_compose_files_require_and_holds_no_real_secret()
    {
        var example = (await File.ReadAllLinesAsync(Docker(".env.example"))).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var compose = await File.ReadAllTextAsync(Docker("compose.yaml")) + await File.ReadAllTextAsync(Docker("compose.emqx.yaml"));
        var required = RequiredVariable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(required);
        Assert.All(required, v => Assert.True(example.ContainsKey(v), $"{v} is required by a compose file but missing from .env.example"));
        Assert.All(example.Where(e => e.Key.Contains("PASSWORD", StringComparison.Ordinal) || e.Key.Contains("COOKIE", StringComparison.Ordinal)), e => Assert.StartsWith("change-me", e.Value, StringComparison.Ordinal));
        // A password in compose.yaml is always a ${VARIABLE}, never a value.
        Assert.DoesNotMatch(@"(?im)^\s*\w*PASSWORD\w*:\s*(?!\$\{)\S", compose);
        Assert.Matches(@"(?m)^\s*POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", compose);
        Assert.Contains("/docker/.env", await File.ReadAllTextAsync(RepoPaths.Of(".gitignore")), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\$\{([A-Z_]+):\?")]
    private static partial Regex RequiredVariable();

    // Runs `docker-compose config -q` (the validation), then reads the resolved file as JSON.
    private async Task<JsonElement> ResolvedAsync(string composeFile, string envFile)
    {
        var compose = ServiceProcess.FindBinary("docker-compose", "docker-compose");
        await ServiceProcess.RunAsync(compose, ["-f", composeFile, "--env-file", envFile, "config", "-q"], TimeSpan.FromSeconds(60));
        var resolved = Path.Combine(_folder, Path.GetFileName(composeFile) + ".resolved");
        await File.WriteAllTextAsync(resolved, await ServiceProcess.RunAsync(compose, ["-f", composeFile, "--env-file", envFile, "config"], TimeSpan.FromSeconds(60)));
        // docker-compose is Python and brings PyYAML: the same parser it used turns the resolved file into JSON.
        var json = await ServiceProcess.RunAsync("python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", resolved], TimeSpan.FromSeconds(30));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static void CheckBuildsAndMounts(JsonElement services)
    {
        foreach (var service in services.EnumerateObject())
        {
            if (service.Value.TryGetProperty("build", out var build))
            {
                var context = build.GetProperty("context").GetString()!;
                Assert.True(Directory.Exists(context), $"{service.Name}: build context {context} does not exist");
                var dockerfile = Path.Combine(context, build.GetProperty("dockerfile").GetString()!);
                Assert.True(File.Exists(dockerfile), $"{service.Name}: {dockerfile} does not exist");
                foreach (var source in CopySources(dockerfile))
                {
                    Assert.True(File.Exists(Path.Combine(context, source)) || Directory.Exists(Path.Combine(context, source)), $"{Path.GetFileName(dockerfile)} copies {source}, which does not exist");
                }
            }

            if (service.Value.TryGetProperty("volumes", out var volumes))
            {
                foreach (var volume in volumes.EnumerateArray())
                {
                    var source = volume.ValueKind == JsonValueKind.String ? volume.GetString()!.Split(':')[0] : volume.GetProperty("source").GetString()!;
                    if (source.StartsWith('/'))
                    {
                        Assert.True(File.Exists(source) || Directory.Exists(source), $"{service.Name} mounts {source}, which does not exist");
                    }
                }
            }
        }
    }

    // The sources of every COPY that takes files from the build context (not --from another stage).
    private static IEnumerable<string> CopySources(string dockerfile) =>
        File.ReadAllLines(dockerfile)
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));
}
