using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Broker;

/// <summary>An agent of the provisioned site, with the topics of its own subtree.</summary>
internal sealed record ProvisionedAgent(string Site, string Courtyard, string Id)
{
    public string Topic(Channel channel) => new AgentTopic(SiteId.Parse(Site), CourtyardId.Parse(Courtyard), AgentId.Parse(Id), channel).ToString();
}

/// <summary>
/// The sample site provisioned by the real <c>iot-edge provision broker</c> (the built edge program, run as an operator
/// runs it) into a temporary folder: <c>broker/passwd</c> and <c>broker/acl</c> as Mosquitto gets them, and the plain
/// passwords from <c>secrets/accounts.txt</c> for the clients. The cloud project does not reference the edge one, so
/// this is how its tests see exactly what provisioning writes.
/// </summary>
internal sealed class Provisioning : IDisposable
{
    /// <summary>The cloud's account (one cloud instance).</summary>
    public const string Cloud = "cloud-1";

    /// <summary>The cloud's event-session account: device events only.</summary>
    public const string CloudEvents = "cloud-1-events";

    /// <summary>The broker's health-check account.</summary>
    public const string Health = "health";

    private readonly Dictionary<string, string> _passwords;

    private Provisioning(string root, Dictionary<string, string> passwords, IReadOnlyList<ProvisionedAgent> agents)
    {
        Root = root;
        _passwords = passwords;
        Agents = agents;
    }

    /// <summary>The provisioning output.</summary>
    public string Root { get; }

    /// <summary>Its <c>broker/</c> folder: what Mosquitto is given, and the embedded broker's <c>Broker:Accounts</c>.</summary>
    public string BrokerFolder => Path.Combine(Root, "broker");

    /// <summary>Every account name, health and cloud first.</summary>
    public IReadOnlyCollection<string> Accounts => _passwords.Keys;

    /// <summary>Every agent of the site.</summary>
    public IReadOnlyList<ProvisionedAgent> Agents { get; }

    /// <summary>The first agent (yikang-1-a) and one in another courtyard.</summary>
    public ProvisionedAgent A => Agents[0];

    /// <inheritdoc cref="A"/>
    public ProvisionedAgent B => Agents.First(a => a.Courtyard != A.Courtyard);

    /// <summary>Provisions the sample site into a new temporary folder.</summary>
    public static async Task<Provisioning> RunAsync()
    {
        var root = Path.Combine(ServiceProcess.TempFolder("provisioning"), "out");
        var (exit, output) = await Commands.DotnetAsync(Commands.Built("edge/Iot.Edge", "iot-edge"), ["provision", "broker", RepoPaths.SampleSite, "--out", root]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"iot-edge provision broker exited with {exit}: {output}");
        }

        var passwords = File.ReadLines(Path.Combine(root, "secrets", "accounts.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var site = SiteFolder.Read(RepoPaths.SampleSite).Parse().Site!;
        var agents = site.Agents.Select(a => new ProvisionedAgent(site.Manifest.Id.Value, a.Courtyard.Id.Value, a.Agent.Id.Value)).ToList();
        return new Provisioning(root, passwords, agents);
    }

    /// <summary>The plain password of <paramref name="account"/>.</summary>
    public string PasswordOf(string account) => _passwords[account];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
