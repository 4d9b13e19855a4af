using Iot.Cloud.Broker;
using Iot.Cloud.Operations;
using Iot.Protocol.Topics;

namespace Iot.Cloud.Tests.Broker;

/// <summary>
/// The cloud's readers of Mosquitto's password file and ACL agree with what <c>iot-edge provision broker</c> writes, on
/// one generated provisioning of the sample site: every account's plain password (from the account book) verifies and no
/// other does, and the ACL grants each agent exactly its own subtree.
/// </summary>
public sealed class AccountFilesTests(ProvisionedFiles files) : IClassFixture<ProvisionedFiles>
{
    private static readonly Channel[] Uplink = [Channel.Telemetry, Channel.Events, Channel.Status, Channel.Results];
    private static readonly Channel[] Downlink = [Channel.Config, Channel.Commands, Channel.Stored];

    private Provisioning Site => files.Provisioning;

    private AccountFiles Load() => AccountFiles.Load(Site.BrokerFolder);

    [Fact]
    public void Every_provisioned_password_verifies_against_the_generated_hashes_and_no_other_account_does()
    {
        var passwords = Load().Passwords;

        Assert.Equal(Site.Accounts.Order(StringComparer.Ordinal), passwords.Names.Order(StringComparer.Ordinal));
        var names = Site.Accounts.ToList();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var neighbour = names[(i + 1) % names.Count];
            Assert.True(passwords.Verifies(name, Site.PasswordOf(name)), name);
            Assert.False(passwords.Verifies(name, Site.PasswordOf(neighbour)), $"{name} with {neighbour}'s password");
            Assert.False(passwords.Verifies(name, Site.PasswordOf(name) + "x"), name);
            Assert.False(passwords.Verifies(name, string.Empty), name);
        }

        Assert.False(passwords.Verifies("nobody", Site.PasswordOf(Site.A.Id)));
    }

    [Fact]
    public void The_generated_acl_gives_each_agent_its_own_uplink_and_downlink_and_nothing_of_any_other()
    {
        var acl = Load().Acl;
        Assert.True(Site.Agents.Count > 100, $"{Site.Agents.Count} agents");
        foreach (var agent in Site.Agents)
        {
            var other = agent == Site.A ? Site.B : Site.A;
            Assert.All(Uplink, c => Assert.True(acl.MayPublish(agent.Id, agent.Topic(c)), $"{agent.Id} publish {c}"));
            Assert.All(Uplink, c => Assert.False(acl.MayReceive(agent.Id, agent.Topic(c)), $"{agent.Id} read own {c}"));
            Assert.All(Downlink, c => Assert.True(acl.MayReceive(agent.Id, agent.Topic(c)), $"{agent.Id} read {c}"));
            Assert.All(Downlink, c => Assert.False(acl.MayPublish(agent.Id, agent.Topic(c)), $"{agent.Id} publish own {c}"));
            Assert.All(Uplink.Concat(Downlink), c => Assert.False(acl.MayPublish(agent.Id, other.Topic(c)), $"{agent.Id} publish {other.Id} {c}"));
            Assert.All(Uplink.Concat(Downlink), c => Assert.False(acl.MayReceive(agent.Id, other.Topic(c)), $"{agent.Id} read {other.Id} {c}"));

            Assert.All(Uplink, c => Assert.Equal(c != Channel.Events, acl.MayReceive(Provisioning.Cloud, agent.Topic(c))));
            Assert.All(Uplink, c => Assert.Equal(c == Channel.Events, acl.MayReceive(Provisioning.CloudEvents, agent.Topic(c))));
            Assert.All(Uplink.Concat(Downlink), c => Assert.False(acl.MayPublish(Provisioning.CloudEvents, agent.Topic(c)), $"cloud events publish {agent.Id} {c}"));
            Assert.All(Uplink, c => Assert.False(acl.MayPublish(Provisioning.Cloud, agent.Topic(c)), $"cloud publish {agent.Id} {c}"));
            Assert.All(Downlink, c => Assert.True(acl.MayPublish(Provisioning.Cloud, agent.Topic(c)), $"cloud publish {agent.Id} {c}"));
            Assert.All(Uplink.Concat(Downlink), c => Assert.False(acl.MayPublish(Provisioning.Health, agent.Topic(c)), $"health {agent.Id} {c}"));
            Assert.All(Uplink.Concat(Downlink), c => Assert.False(acl.MayReceive(Provisioning.Health, agent.Topic(c)), $"health {agent.Id} {c}"));
        }

        Assert.True(acl.MayReceive(Provisioning.Health, "$SYS/broker/uptime"));
        Assert.False(acl.MayPublish(Site.A.Id, "estate/v1/elsewhere/yikang-1/yikang-1-a/telemetry"));
        Assert.False(acl.MayReceive(Provisioning.Cloud, "estate/v1/elsewhere/yikang-1/yikang-1-a/telemetry"));
        Assert.False(acl.MayPublish(Provisioning.Cloud, "estate/v1/yongchang/+/+/commands"));
        Assert.False(acl.MayPublish("nobody", Site.A.Topic(Channel.Telemetry)));
    }

    [Fact]
    public void Deny_rules_win_and_patterns_apply_to_every_account_by_name()
    {
        var acl = AclOf("""
            # anonymous: nothing here is used, an embedded broker with accounts refuses anonymous clients
            topic read public/#
            user ops
            topic readwrite plant/#
            topic deny plant/secret
            pattern write devices/%u/out
            pattern read devices/%c/in
            """);

        Assert.True(acl.MayPublish("ops", "plant/a"));
        Assert.True(acl.MayReceive("ops", "plant/a/b"));
        Assert.False(acl.MayReceive("ops", "plant/secret"));
        Assert.False(acl.MayPublish("ops", "plant/secret"));
        Assert.True(acl.MayPublish("ops", "devices/ops/out"));
        Assert.True(acl.MayPublish("pi-7", "devices/pi-7/out"));
        Assert.False(acl.MayPublish("pi-7", "devices/pi-8/out"));
        Assert.False(acl.MayPublish("pi-7", "devices/pi-7/in"));
        Assert.True(acl.MayReceive("pi-7", "devices/pi-7/in"));
        Assert.False(acl.MayReceive("pi-7", "public/news"));
        Assert.False(acl.MayPublish("a/b", "devices/a/b/out"));
        Assert.False(acl.MayPublish("ops", "plant/+"));
    }

    [Theory]
    [InlineData("passwd", "yikang-1-a:$6$salt$hash\n", "passwd:1: not a Mosquitto 2 password entry")]
    [InlineData("passwd", "# made by hand\nyikang-1-a\n", "passwd:2: not a Mosquitto 2 password entry")]
    [InlineData("acl", "user a\ntopic read a/#/b\n", "acl:2: not a Mosquitto ACL line")]
    [InlineData("acl", "user a\nallow everything\n", "acl:2: not a Mosquitto ACL line")]
    public void A_file_the_broker_cannot_use_is_named_with_its_line(string file, string text, string message)
    {
        var folder = CopyOfBrokerFolder();
        File.WriteAllText(Path.Combine(folder, file), text);

        var problem = Assert.Throws<SettingsException>(() => AccountFiles.Load(folder));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    private static MosquittoAclFile AclOf(string text)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, text);
            return MosquittoAclFile.Load(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private string CopyOfBrokerFolder()
    {
        var folder = Path.Combine(Path.GetDirectoryName(Site.Root)!, $"copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "passwd", "acl" })
        {
            File.Copy(Path.Combine(Site.BrokerFolder, name), Path.Combine(folder, name));
        }

        return folder;
    }
}
