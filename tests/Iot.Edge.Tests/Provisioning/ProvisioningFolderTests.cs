using Iot.Edge.Provisioning;
using Iot.Edge.Sites;
using Iot.Testing;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>`provision broker` on the sample site: what it writes, how it protects it, and what a second run keeps.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProvisioningFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-provision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out => Path.Combine(_folder, "out");

    private static (int Exit, string Output) Provision(params string[] args)
    {
        using var output = new StringWriter();
        var exit = ProvisionCommand.Run(args, output);
        return (exit, output.ToString());
    }

    [Fact]
    public void Every_agent_gets_its_own_account_and_acl_section_and_the_password_file_verifies_each_password()
    {
        var (exit, output) = Provision("broker", RepoPaths.SampleSite, "--out", Out, "--host", "mqtt.yongchang.example");
        Assert.True(exit == 0, output);
        Assert.Contains("accounts: 118 (115 agents, 2 for 1 cloud instance, 1 health check); 118 new, 0 removed", output, StringComparison.Ordinal);

        var layout = new ProvisioningLayout(Out);
        var book = AccountBook.Load(layout.Accounts);
        var entries = File.ReadAllLines(layout.PasswordFile).ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)]);
        var acl = File.ReadAllText(layout.Acl);
        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        Assert.Equal(118, book.Names.Distinct().Count());
        Assert.Equal(118, book.Names.Select(book.PasswordOf).Distinct().Count());
        foreach (var (courtyard, agent) in site.Agents)
        {
            Assert.True(MosquittoPasswords.Verifies(entries[agent.Id.Value], book.PasswordOf(agent.Id.Value)));
            Assert.DoesNotContain(book.PasswordOf(agent.Id.Value), File.ReadAllText(layout.PasswordFile), StringComparison.Ordinal);
            Assert.Contains($"user {agent.Id}\ntopic write estate/v1/yongchang/{courtyard.Id}/{agent.Id}/telemetry\n", acl, StringComparison.Ordinal);
        }

        Assert.False(MosquittoPasswords.Verifies(entries["cloud-1"], book.PasswordOf("health")));
        Assert.Contains("Broker__Password=" + book.PasswordOf("cloud-1"), File.ReadAllText(layout.CloudEnv(1)), StringComparison.Ordinal);
        Assert.Contains("Broker__EventsPassword=" + book.PasswordOf("cloud-1-events"), File.ReadAllText(layout.CloudEnv(1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_readable_by_their_owner_only_and_private_keys_never_leave_secrets_and_broker()
    {
        Assert.Equal(0, Provision("broker", RepoPaths.SampleSite, "--out", Out).Exit);
        var layout = new ProvisioningLayout(Out);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(layout.Accounts));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(layout.CaKey));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(layout.CloudEnv(1)));
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(layout.Secrets));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(layout.ServerKey) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite));

        var keys = Directory.GetFiles(Out, "*", SearchOption.AllDirectories).Where(f => File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal));
        Assert.Equal([layout.ServerKey, layout.CaKey], keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Provisioning_again_keeps_passwords_ca_and_certificate_and_rewrites_nothing()
    {
        Assert.Equal(0, Provision("broker", RepoPaths.SampleSite, "--out", Out, "--host", "10.0.0.5").Exit);
        var layout = new ProvisioningLayout(Out);
        var before = Directory.GetFiles(Out, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var (exit, output) = Provision("broker", RepoPaths.SampleSite, "--out", Out, "--host", "10.0.0.5");

        Assert.Equal(0, exit);
        Assert.Contains("0 new, 0 removed", output, StringComparison.Ordinal);
        Assert.Contains("files written: none", output, StringComparison.Ordinal);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.True(File.Exists(layout.ServerCert));
    }

    [Fact]
    public void A_new_broker_name_reissues_the_certificate_under_the_same_ca()
    {
        Assert.Equal(0, Provision("broker", RepoPaths.SampleSite, "--out", Out, "--host", "old.example").Exit);
        var layout = new ProvisioningLayout(Out);
        var ca = File.ReadAllText(layout.CaCert);
        var passwords = File.ReadAllText(layout.Accounts);

        var (exit, output) = Provision("broker", RepoPaths.SampleSite, "--out", Out, "--host", "new.example");

        Assert.Equal(0, exit);
        Assert.Contains("broker certificate: new, for new.example, mosquitto, emqx, localhost, 127.0.0.1", output, StringComparison.Ordinal);
        Assert.Equal(ca, File.ReadAllText(layout.CaCert));
        Assert.Equal(passwords, File.ReadAllText(layout.Accounts));
        using var ca509 = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(ca);
        using var server = BrokerCertificates.Load(layout.ServerCert, layout.ServerKey);
        Assert.True(BrokerCertificates.StillGood(server, ca509, ["new.example", "mosquitto", "emqx", "localhost", "127.0.0.1"], DateTimeOffset.UtcNow));
        Assert.False(BrokerCertificates.StillGood(server, ca509, ["new.example", "mosquitto", "emqx", "localhost", "127.0.0.1"], DateTimeOffset.UtcNow.AddYears(3)));
    }

    [Fact]
    public void Agents_removed_from_the_manifests_lose_their_accounts_and_the_others_keep_their_passwords()
    {
        var site = Path.Combine(_folder, "site");
        Directory.CreateDirectory(Path.Combine(site, "communities"));
        foreach (var file in Directory.GetFiles(RepoPaths.SampleSite, "*.json", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(site, Path.GetRelativePath(RepoPaths.SampleSite, file)));
        }

        Assert.Equal(0, Provision("broker", site, "--out", Out).Exit);
        var before = AccountBook.Load(new ProvisioningLayout(Out).Accounts);
        File.Delete(Path.Combine(site, "communities", "huachang-road.json"));

        var (exit, output) = Provision("broker", site, "--out", Out);

        Assert.Equal(0, exit);
        Assert.Contains("0 new, 32 removed (huachang-", output, StringComparison.Ordinal);
        var after = AccountBook.Load(new ProvisioningLayout(Out).Accounts);
        Assert.Equal(86, after.Names.Count);
        Assert.All(after.Names, n => Assert.Equal(before.PasswordOf(n), after.PasswordOf(n)));
        Assert.DoesNotContain("huachang-", File.ReadAllText(new ProvisioningLayout(Out).Acl), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "broker" }, 2, "usage:")]
    [InlineData(new[] { "broker", "/nowhere" }, 1, "has problems")]
    [InlineData(new[] { "broker", "SITE", "--host", "not a host" }, 2, "--host 'not a host' is not a host name or IP address")]
    [InlineData(new[] { "broker", "SITE", "--cloud-instances", "0" }, 2, "--cloud-instances '0' must be 1 to 32")]
    [InlineData(new[] { "bundle", "SITE", "--agent", "yikang-1-a" }, 2, "give --agent <id> and --broker <host:port>")]
    [InlineData(new[] { "bundle", "SITE", "--agent", "yikang-1-a", "--broker", "nowhere" }, 2, "--broker 'nowhere' is not host:port")]
    [InlineData(new[] { "bundle", "SITE", "--agent", "Yikang_1", "--broker", "mqtt.example:8883" }, 2, "--agent: agent id")]
    [InlineData(new[] { "bundle", "SITE", "--agent", "yikang-1-a", "--broker", "mqtt.example:8883" }, 2, "give --cloud-key <file>: the cloud's public signing key")]
    [InlineData(new[] { "bundle", "SITE", "--agent", "yikang-1-a", "--broker", "mqtt.example:8883", "--cloud-key", "/nowhere/key.pem" }, 1, "--cloud-key /nowhere/key.pem: give the cloud's public key file")]
    public void Wrong_arguments_are_named_with_the_exit_code_of_their_kind(string[] args, int exit, string message)
    {
        var (code, output) = Provision([.. args.Select(a => a == "SITE" ? RepoPaths.SampleSite : a)]);
        Assert.Equal(exit, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
