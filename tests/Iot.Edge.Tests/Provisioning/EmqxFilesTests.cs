using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Iot.Edge.Provisioning;
using Iot.Edge.Sites;
using Iot.Protocol.Sites;
using Iot.Testing;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>
/// The EMQX form of the broker's accounts and rules that `provision broker` writes beside Mosquitto's: every account in
/// the users file with a hash that the test recomputes itself (PBKDF2-HMAC-SHA512, as EMQX's pbkdf2 algorithm does), and
/// an acl.conf whose rules, read and applied here as EMQX applies them (first match wins), give each agent its own
/// topics and nothing else. No EMQX runs here (no container engine); these check the files' content and form.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class EmqxFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-emqx-").FullName;
    private readonly ProvisioningLayout _layout;
    private readonly Site _site = SiteFiles.Read(RepoPaths.SampleSite).Site!;

    public EmqxFilesTests()
    {
        _layout = new ProvisioningLayout(Path.Combine(_folder, "out"));
        using var output = new StringWriter();
        Assert.True(ProvisionCommand.Run(["broker", RepoPaths.SampleSite, "--out", _layout.Root, "--cloud-instances", "2"], output) == 0, output.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SiteId => _site.Manifest.Id.Value;

    [Fact]
    public void The_users_file_holds_every_account_once_with_a_pbkdf2_sha512_hash_that_verifies_its_password_and_no_plain_password()
    {
        var book = AccountBook.Load(_layout.Accounts);
        var text = File.ReadAllText(_layout.EmqxUsers);
        var users = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();

        Assert.Equal(book.Names.Order(StringComparer.Ordinal), users.Select(u => u.GetProperty("user_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(1 + 4 + _site.Agents.Count(), users.Count);
        foreach (var user in users)
        {
            var name = user.GetProperty("user_id").GetString()!;
            var hash = user.GetProperty("password_hash").GetString()!;
            var salt = user.GetProperty("salt").GetString()!;
            Assert.Matches("^[0-9a-f]{128}$", hash);
            Assert.Matches("^[0-9a-f]{32}$", salt);
            Assert.False(user.GetProperty("is_superuser").GetBoolean(), name);
            Assert.Equal(hash, Pbkdf2Sha512Hex(book.PasswordOf(name), salt));
            Assert.DoesNotContain(book.PasswordOf(name), text, StringComparison.Ordinal);
        }

        Assert.Equal(users.Count, users.Select(u => u.GetProperty("salt").GetString()).Distinct().Count());
        var cloud = users.Single(u => u.GetProperty("user_id").GetString() == "cloud-1");
        Assert.NotEqual(cloud.GetProperty("password_hash").GetString(), Pbkdf2Sha512Hex(book.PasswordOf("cloud-2"), cloud.GetProperty("salt").GetString()!));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(_layout.EmqxUsers) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
    }

    [Fact]
    public void The_emqx_configuration_verifies_with_the_algorithm_the_users_file_was_hashed_with()
    {
        var conf = File.ReadAllText(RepoPaths.Of("docker", "emqx", "emqx.conf"));
        Assert.Contains($"password_hash_algorithm = {EmqxUsers.HashAlgorithmHocon}", conf, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*bootstrap_type = hash$", conf);
        Assert.Matches(@"(?m)^\s*bootstrap_file = ""/opt/emqx/etc/iot/emqx-users\.json""$", conf);
        Assert.Matches(@"(?m)^\s*path = ""/opt/emqx/etc/iot/emqx-acl\.conf""$", conf);
        Assert.Matches(@"(?m)^\s*no_match = deny$", conf);
        Assert.Equal("emqx-users.json", Path.GetFileName(_layout.EmqxUsers));
        Assert.Equal("emqx-acl.conf", Path.GetFileName(_layout.EmqxAcl));
    }

    [Fact]
    public void Every_acl_line_is_a_rule_a_comment_or_blank_and_the_last_rule_denies_everyone()
    {
        var lines = File.ReadAllLines(_layout.EmqxAcl);
        Assert.All(lines, l => Assert.True(l.Length == 0 || l.StartsWith("%%", StringComparison.Ordinal) || AllowRule().IsMatch(l) || l == "{deny, all}.", $"not an EMQX acl.conf term: {l}"));
        Assert.Equal("{deny, all}.", lines.Last(l => l.Length > 0 && !l.StartsWith("%%", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.StartsWith("{deny", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_agent_publishes_only_under_its_own_id_and_reads_only_its_own_config_and_commands()
    {
        var acl = Acl.Parse(File.ReadAllLines(_layout.EmqxAcl));
        var agents = _site.Agents.ToList();
        foreach (var (index, (courtyard, agent)) in agents.Index())
        {
            var own = $"estate/v1/{SiteId}/{courtyard.Id}/{agent.Id}";
            var (otherCourtyard, other) = agents[(index + 1) % agents.Count];
            var others = $"estate/v1/{SiteId}/{otherCourtyard.Id}/{other.Id}";
            foreach (var channel in new[] { "telemetry", "events", "status", "results" })
            {
                Assert.True(acl.Allows(agent.Id.Value, "publish", $"{own}/{channel}"), $"{agent.Id} {channel}");
                Assert.False(acl.Allows(agent.Id.Value, "publish", $"{others}/{channel}"), $"{agent.Id} as {other.Id}");
                Assert.False(acl.Allows(agent.Id.Value, "subscribe", $"{others}/{channel}"));
            }

            foreach (var channel in new[] { "config", "commands", "stored" })
            {
                Assert.True(acl.Allows(agent.Id.Value, "subscribe", $"{own}/{channel}"));
                Assert.False(acl.Allows(agent.Id.Value, "publish", $"{own}/{channel}"), $"{agent.Id} sends itself {channel}");
                Assert.False(acl.Allows(agent.Id.Value, "subscribe", $"{others}/{channel}"));
            }

            Assert.False(acl.Allows(agent.Id.Value, "subscribe", "#"));
            Assert.False(acl.Allows(agent.Id.Value, "subscribe", $"estate/v1/{SiteId}/+/+/commands"));
        }
    }

    [Fact]
    public void Only_the_cloud_sends_config_and_commands_and_reads_the_uplink_through_its_shared_subscription()
    {
        var acl = Acl.Parse(File.ReadAllLines(_layout.EmqxAcl));
        var (courtyard, agent) = _site.Agents.First();
        var topic = $"estate/v1/{SiteId}/{courtyard.Id}/{agent.Id}";
        foreach (var cloud in new[] { "cloud-1", "cloud-2" })
        {
            Assert.True(acl.Allows(cloud, "publish", $"{topic}/config"));
            Assert.True(acl.Allows(cloud, "publish", $"{topic}/commands"));
            Assert.True(acl.Allows(cloud, "publish", $"{topic}/stored"));
            Assert.False(acl.Allows(cloud, "publish", $"{topic}/telemetry"), "the cloud forges readings");
            Assert.False(acl.Allows(cloud, "publish", $"estate/v1/elsewhere/{courtyard.Id}/{agent.Id}/commands"));
            foreach (var channel in new[] { "telemetry", "status", "results" })
            {
                // What CloudMqttClient subscribes to, shared or not.
                Assert.True(acl.Allows(cloud, "subscribe", $"$share/cloud/estate/v1/+/+/+/{channel}"), channel);
                Assert.True(acl.Allows(cloud, "subscribe", $"estate/v1/+/+/+/{channel}"), channel);
            }

            Assert.False(acl.Allows(cloud, "subscribe", "$share/cloud/estate/v1/+/+/+/events"), "events come on the event session");
            Assert.True(acl.Allows($"{cloud}-events", "subscribe", "$share/cloud/estate/v1/+/+/+/events"));
            Assert.False(acl.Allows($"{cloud}-events", "subscribe", "estate/v1/+/+/+/telemetry"));
            Assert.False(acl.Allows($"{cloud}-events", "publish", $"{topic}/commands"));
        }

        Assert.True(acl.Allows("health", "subscribe", "$SYS/brokers/emqx@emqx1.iot-estate/uptime"));
        Assert.False(acl.Allows("health", "subscribe", "estate/v1/+/+/+/telemetry"));
        Assert.False(acl.Allows("nobody", "subscribe", $"{topic}/commands"));
        Assert.False(acl.Allows("nobody", "publish", $"{topic}/telemetry"));
    }

    [Fact]
    public void A_second_run_keeps_every_users_hash_and_a_new_agent_adds_only_its_own()
    {
        var before = File.ReadAllText(_layout.EmqxUsers);
        using var output = new StringWriter();
        Assert.Equal(0, ProvisionCommand.Run(["broker", RepoPaths.SampleSite, "--out", _layout.Root, "--cloud-instances", "3"], output));

        var after = JsonDocument.Parse(File.ReadAllText(_layout.EmqxUsers)).RootElement.EnumerateArray().ToDictionary(u => u.GetProperty("user_id").GetString()!, u => u.GetProperty("password_hash").GetString());
        foreach (var user in JsonDocument.Parse(before).RootElement.EnumerateArray())
        {
            Assert.Equal(user.GetProperty("password_hash").GetString(), after[user.GetProperty("user_id").GetString()!]);
        }

        Assert.True(after.ContainsKey("cloud-3") && after.ContainsKey("cloud-3-events"));
        Assert.Contains("\"cloud-3\"", File.ReadAllText(_layout.EmqxAcl), StringComparison.Ordinal);
    }

    // PBKDF2 written out here from RFC 8018 (5.2), not through EmqxUsers or the framework's Pbkdf2: HMAC-SHA512 keyed with
    // the password over the salt string's bytes and block index 1, 101 rounds XORed; one SHA-512 block is the 64 bytes.
    private static string Pbkdf2Sha512Hex(string password, string salt)
    {
        var key = Encoding.UTF8.GetBytes(password);
        byte[] block = [.. Encoding.ASCII.GetBytes(salt), 0, 0, 0, 1];
        var u = HMACSHA512.HashData(key, block);
        var t = (byte[])u.Clone();
        for (var round = 2; round <= 101; round++)
        {
            u = HMACSHA512.HashData(key, u);
            for (var i = 0; i < t.Length; i++)
            {
                t[i] ^= u[i];
            }
        }

        return Convert.ToHexString(t).ToLowerInvariant();
    }

    [GeneratedRegex(@"^\{allow, \{user, ""(?<user>[^""]+)""\}, (?<action>publish|subscribe), \[(?<topics>""[^""]+""(, ""[^""]+"")*)\]\}\.$")]
    private static partial Regex AllowRule();

    /// <summary>The rules as EMQX's file authorizer applies them: top to bottom, the first that matches decides.</summary>
    private sealed record Acl(IReadOnlyList<(string User, string Action, string[] Topics)> Rules)
    {
        public static Acl Parse(IEnumerable<string> lines) =>
            new(lines.Select(l => AllowRule().Match(l)).Where(m => m.Success)
                .Select(m => (m.Groups["user"].Value, m.Groups["action"].Value, m.Groups["topics"].Value.Split(", ").Select(t => t.Trim('"')).ToArray()))
                .ToList());

        public bool Allows(string user, string action, string topic)
        {
            // A shared subscription is authorized as its real filter (emqx_topic:get_shared_real_topic).
            if (action == "subscribe" && topic.StartsWith("$share/", StringComparison.Ordinal))
            {
                topic = topic[(topic.IndexOf('/', "$share/".Length) + 1)..];
            }

            // Every allow rule is tried; none matching reaches {deny, all}.
            return Rules.Any(r => r.User == user && r.Action == action && r.Topics.Any(filter => Matches(topic, filter)));
        }

        // emqx_topic:match(Name, Filter): '+' and '#' in the rule match any level(s); in the name (a subscription's
        // filter) a '+' is matched only by a '+' or '#' of the rule, and '$' topics are never matched by a leading wildcard.
        private static bool Matches(string name, string filter)
        {
            var n = name.Split('/');
            var f = filter.Split('/');
            if (name.StartsWith('$') && (f[0] is "+" or "#"))
            {
                return false;
            }

            for (var i = 0; i < f.Length; i++)
            {
                if (f[i] == "#")
                {
                    return true;
                }

                if (i >= n.Length || (f[i] != "+" && f[i] != n[i]) || (n[i] is "#" && f[i] != "#"))
                {
                    return false;
                }
            }

            return n.Length == f.Length;
        }
    }
}
