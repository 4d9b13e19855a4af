using Iot.Edge.Provisioning;
using Iot.Edge.Sites;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>`provision bundle`: one Pi's bundle for any agent of the sample site, and its install script's dry run here.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BundleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-bundle-").FullName;

    public BundleTests()
    {
        using var output = new StringWriter();
        Assert.Equal(0, ProvisionCommand.Run(["broker", RepoPaths.SampleSite, "--out", Out, "--host", "mqtt.yongchang.example"], output));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out => Path.Combine(_folder, "out");

    private static string CloudKey => Path.Combine(TestSigning.TrustedKeysFolder, "test-cloud.pub.pem");

    private (int Exit, string Output) Bundle(params string[] extra)
    {
        using var output = new StringWriter();
        var exit = ProvisionCommand.Run(["bundle", RepoPaths.SampleSite, "--out", Out, "--broker", "mqtt.yongchang.example:8883", "--cloud-key", CloudKey, .. extra], output);
        return (exit, output.ToString());
    }

    [Fact]
    public void Every_agent_of_the_sample_site_gets_a_bundle_with_its_slice_credentials_ca_unit_and_install_script()
    {
        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        var layout = new ProvisioningLayout(Out);
        var book = AccountBook.Load(layout.Accounts);
        var (exit, output) = Bundle("--agent", site.Agents.First().Agent.Id.Value);
        Assert.True(exit == 0, output);
        foreach (var (courtyard, agent) in site.Agents)
        {
            var folder = BundleProvisioner.Run(RepoPaths.SampleSite, site, agent.Id, layout, "mqtt.yongchang.example:8883", binaryFolder: null, [CloudKey]).Folder;

            var slice = SiteFiles.Read(Path.Combine(folder, "site")).Site!;
            Assert.Equal([agent.Id], slice.Agents.Select(a => a.Agent.Id));
            Assert.Equal(agent.Devices.Count, slice.FindAgent(agent.Id)!.Value.Agent.Devices.Count);

            var env = File.ReadAllText(Path.Combine(folder, "agent.env"));
            Assert.Contains($"AGENT_ID={agent.Id}\n", env, StringComparison.Ordinal);
            Assert.Contains($"Mqtt__Username={agent.Id}\nMqtt__Password={book.PasswordOf(agent.Id.Value)}\n", env, StringComparison.Ordinal);
            Assert.Contains("Mqtt__Broker=mqtt.yongchang.example:8883\nMqtt__UseTls=true\nMqtt__CaFile=/etc/iot-edge/broker-ca.pem\n", env, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "agent.env")));
            Assert.Equal(File.ReadAllText(layout.CaCert), File.ReadAllText(Path.Combine(folder, "broker-ca.pem")));
            Assert.Contains("Edge__TrustedKeys=/etc/iot-edge/trusted-keys\n", env, StringComparison.Ordinal);
            Assert.Equal(File.ReadAllText(CloudKey), File.ReadAllText(Path.Combine(folder, "trusted-keys", "test-cloud.pub.pem")));
            Assert.Equal(File.ReadAllText(RepoPaths.Of("firmware-config", "systemd", "iot-edge.service")), File.ReadAllText(Path.Combine(folder, "iot-edge.service")));
            Assert.Equal(File.ReadAllText(RepoPaths.Of("firmware-config", "pi", "install.sh")), File.ReadAllText(Path.Combine(folder, "install.sh")));
            Assert.True(File.GetUnixFileMode(Path.Combine(folder, "install.sh")).HasFlag(UnixFileMode.UserExecute));
            Assert.Contains($"COURTYARD_ID={courtyard.Id}\n", File.ReadAllText(Path.Combine(folder, "bundle.env")), StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(folder, "*.key", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public void The_boot_fragment_enables_only_the_buses_the_agents_manifest_uses()
    {
        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        var withProbe = site.Agents.First(a => a.Agent.Devices.SelectMany(d => d.Parts).Any(p => p.Driver == "ds18b20")).Agent.Id;
        var withoutProbe = site.Agents.First(a => a.Agent.Devices.SelectMany(d => d.Parts).All(p => p.Driver != "ds18b20")).Agent.Id;
        Assert.Equal(0, Bundle("--agent", withProbe.Value).Exit);
        Assert.Equal(0, Bundle("--agent", withoutProbe.Value).Exit);
        var layout = new ProvisioningLayout(Out);

        var probe = File.ReadAllText(Path.Combine(layout.Bundle(withProbe), "config.txt.fragment"));
        var none = File.ReadAllText(Path.Combine(layout.Bundle(withoutProbe), "config.txt.fragment"));

        Assert.Contains("dtparam=i2c_arm=on\n", probe, StringComparison.Ordinal);
        Assert.Contains("dtoverlay=w1-gpio,gpiopin=4\n", probe, StringComparison.Ordinal);
        Assert.Contains("NEEDS_ONEWIRE=1", File.ReadAllText(Path.Combine(layout.Bundle(withProbe), "bundle.env")), StringComparison.Ordinal);
        Assert.Contains("dtparam=i2c_arm=on\n", none, StringComparison.Ordinal);
        Assert.DoesNotContain("w1-gpio", none, StringComparison.Ordinal);
        Assert.Contains("NEEDS_ONEWIRE=0", File.ReadAllText(Path.Combine(layout.Bundle(withoutProbe), "bundle.env")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_agent_with_current_transformers_gets_the_i2c_bus_at_400_kHz_and_one_without_keeps_100_kHz()
    {
        var ct = PiBootConfig.For(TestCourtyard.Manifest(AcCourtyard.Json)).Fragment("test-ac-a");
        var dc = PiBootConfig.For(TestCourtyard.Manifest()).Fragment("test-1-a");

        Assert.Contains("dtparam=i2c_arm_baudrate=400000\n", ct, StringComparison.Ordinal);
        Assert.Contains("dtparam=i2c_arm_baudrate=100000\n", dc, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_hc_sr04_gets_an_overlay_line_for_the_kernel_driver_and_the_bundle_carries_the_overlay_it_names()
    {
        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        var withoutSonar = site.Agents.First(a => a.Agent.Devices.SelectMany(d => d.Parts).All(p => p.Driver != "hcsr04")).Agent.Id;
        Assert.Equal(0, Bundle("--agent", "yikang-1-a").Exit);
        Assert.Equal(0, Bundle("--agent", withoutSonar.Value).Exit);
        var layout = new ProvisioningLayout(Out);
        var sonar = layout.Bundle(AgentId.Parse("yikang-1-a"));

        Assert.Contains("dtoverlay=iot-hcsr04,trig-pin=18,echo-pin=19\n", File.ReadAllText(Path.Combine(sonar, "config.txt.fragment")), StringComparison.Ordinal);
        Assert.Contains("NEEDS_HCSR04=1", File.ReadAllText(Path.Combine(sonar, "bundle.env")), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(RepoPaths.Of("firmware-config", "pi", "iot-hcsr04-overlay.dts")), File.ReadAllText(Path.Combine(sonar, "iot-hcsr04-overlay.dts")));
        Assert.DoesNotContain("iot-hcsr04", File.ReadAllText(Path.Combine(layout.Bundle(withoutSonar), "config.txt.fragment")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(layout.Bundle(withoutSonar), "iot-hcsr04-overlay.dts")));

        var (_, output) = RunScript(sonar, "--dry-run");
        // The overlay is compiled where dtc is installed; without it the install says so and goes on (the agent then
        // times the echo itself, as it does anyway on a kernel without srf04).
        Assert.Matches(@"(would compile iot-hcsr04-overlay.dts into /boot/firmware/overlays/iot-hcsr04.dtbo|warn  device tree compiler missing)", output);
        Assert.Matches(@"(ok    kernel driver srf04|warn  kernel driver srf04 missing)", output);
    }

    [Fact]
    public void The_install_script_dry_run_reports_each_missing_prerequisite_lists_its_steps_and_changes_nothing()
    {
        Assert.Equal(0, Bundle("--agent", "yikang-1-a").Exit);
        var bundle = new ProvisioningLayout(Out).Bundle(AgentId.Parse("yikang-1-a"));
        var etcBefore = Directory.Exists("/etc/iot-edge");

        var (exit, output) = RunScript(bundle, "--dry-run");

        Assert.Equal(1, exit);
        var lines = output.Split('\n');
        // This build machine is x64 in a container: each missing prerequisite has its own line, saying why.
        Assert.Contains(lines, l => l.StartsWith("FAIL  architecture x86_64", StringComparison.Ordinal) && l.Contains("linux-arm64", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FAIL  agent program: none in the bundle", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FAIL  boot configuration: neither /boot/firmware/config.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("todo  I2C bus 1 not enabled yet", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("todo  1-Wire not enabled yet", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok    ", StringComparison.Ordinal) || l.StartsWith("warn  not root", StringComparison.Ordinal));
        // ...and the plan is complete all the same.
        string[] planned =
        [
            "would install agent.env as /etc/iot-edge/agent.env (mode 600, iot-edge:iot-edge)",
            "would install broker-ca.pem as /etc/iot-edge/broker-ca.pem (mode 644, root:root)",
            "would install site/ as /etc/iot-edge/site/ (owned by root)",
            "would install iot-edge.service as /etc/systemd/system/iot-edge.service (mode 644, root:root)",
            "would install journald-iot-edge.conf as /etc/systemd/journald.conf.d/iot-edge.conf (mode 644, root:root)",
            "would enable iot-edge.service at boot",
        ];
        Assert.All(planned, step => Assert.Contains(step, lines));
        Assert.Matches(@"Dry run: \d+ step\(s\) planned, but [1-9] prerequisite\(s\) missing \(FAIL above\); nothing was changed\.", output);
        Assert.Equal(etcBefore, Directory.Exists("/etc/iot-edge"));
        Assert.False(File.Exists("/etc/systemd/system/iot-edge.service") && !etcBefore);
    }

    [Fact]
    public void The_install_script_refuses_an_agent_program_built_for_the_wrong_processor()
    {
        // This test run's own build of the agent is an x64 program: exactly the mistake the check is for.
        var x64Build = Path.GetDirectoryName(typeof(ProvisionCommand).Assembly.Location)!;
        var (exit, output) = Bundle("--agent", "yikang-1-a", "--binary", x64Build);
        Assert.True(exit == 0, output);
        Assert.Contains("The published agent is in the bundle (iot-edge/).", output, StringComparison.Ordinal);
        var bundle = new ProvisioningLayout(Out).Bundle(AgentId.Parse("yikang-1-a"));

        var (scriptExit, script) = RunScript(bundle, "--dry-run");

        Assert.Equal(1, scriptExit);
        Assert.Contains($"FAIL  agent program {bundle}/iot-edge/iot-edge is built for x64: publish it with -r linux-arm64", script, StringComparison.Ordinal);
        Assert.Contains("would install iot-edge/ as /opt/iot-edge/ (owned by root)", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_install_script_refuses_wrong_usage_and_a_real_install_stops_before_changing_anything_when_a_prerequisite_is_missing()
    {
        Assert.Equal(0, Bundle("--agent", "yikang-1-a").Exit);
        var bundle = new ProvisioningLayout(Out).Bundle(AgentId.Parse("yikang-1-a"));

        Assert.Equal(2, RunScript(bundle, "--now").Exit);
        var (exit, output) = RunScript(bundle);

        Assert.Equal(1, exit);
        Assert.Contains("prerequisite(s) missing: nothing was changed.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Steps", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_needs_the_broker_provisioned_first_and_an_agent_of_the_site()
    {
        var (unknown, unknownOutput) = Bundle("--agent", "nobody-1-a");
        Assert.Equal(1, unknown);
        Assert.Contains("no agent 'nobody-1-a' in site yongchang", unknownOutput, StringComparison.Ordinal);

        using var output = new StringWriter();
        var exit = ProvisionCommand.Run(["bundle", RepoPaths.SampleSite, "--out", Path.Combine(_folder, "empty"), "--agent", "yikang-1-a", "--broker", "mqtt.example:8883", "--cloud-key", CloudKey], output);
        Assert.Equal(1, exit);
        Assert.Contains("run `iot-edge provision broker", output.ToString(), StringComparison.Ordinal);
    }

    private static (int Exit, string Output) RunScript(string bundle, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(bundle, "install.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(Patience.Seconds(60)), $"install.sh did not finish within {Patience.Seconds(60).TotalSeconds} s");
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // a hung check (DNS, the broker probe) must not outlive the test
            }
        }
    }
}
