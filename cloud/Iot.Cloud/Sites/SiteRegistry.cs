using System.Collections.Frozen;
using Iot.Cloud.Auth;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Cloud.Sites;

/// <summary>An agent as the registry knows it: where it is and what it should run.</summary>
/// <param name="Courtyard">Its courtyard.</param>
/// <param name="Manifest">Its manifest slice (devices, parts, thresholds).</param>
/// <param name="DesiredHash">The hash of that configuration.</param>
public sealed record RegisteredAgent(CourtyardManifest Courtyard, AgentManifest Manifest, string DesiredHash)
{
    /// <summary>The devices of its manifest (ingest checks every reading and event against them).</summary>
    public FrozenSet<DeviceId> DeviceIds { get; } = Manifest.Devices.Select(d => d.Id).ToFrozenSet();
}

/// <summary>An immutable view of the site, swapped whole when the manifests change.</summary>
public sealed class RegistrySnapshot
{
    private RegistrySnapshot(Site site, string hash)
    {
        Site = site;
        Hash = hash;
        Agents = site.Agents.ToFrozenDictionary(p => p.Agent.Id, p => new RegisteredAgent(p.Courtyard, p.Agent, ConfigHash.Of(p.Agent)));
    }

    /// <summary>The site.</summary>
    public Site Site { get; }

    /// <summary>The manifest files' hash.</summary>
    public string Hash { get; }

    /// <summary>Every agent by id.</summary>
    public FrozenDictionary<AgentId, RegisteredAgent> Agents { get; }

    /// <summary>Builds a snapshot of a validated site.</summary>
    public static RegistrySnapshot Of(Site site, string hash) => new(site, hash);
}

/// <summary>
/// Holds the current site registry in memory for the hot path (ingest looks every message's agent up here),
/// and the problems found in the manifests at the last sync.
/// </summary>
public sealed class SiteRegistry : ICurrentSite
{
    private volatile RegistrySnapshot? _current;

    /// <summary>Raised after a new snapshot is in place.</summary>
    public event Action<RegistrySnapshot>? Changed;

    /// <summary>The current snapshot; null until the first successful sync.</summary>
    public RegistrySnapshot? Current => _current;

    /// <inheritdoc />
    public Site? Site => _current?.Site;

    /// <summary>Problems found at the last sync attempt (empty when the manifests were valid).</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; private set; } = [];

    /// <summary>When the manifests were last checked, and whether they had changed.</summary>
    public DateTimeOffset? LastChecked { get; private set; }

    internal void Publish(RegistrySnapshot snapshot, DateTimeOffset at)
    {
        _current = snapshot;
        Problems = [];
        LastChecked = at;
        Changed?.Invoke(snapshot);
    }

    internal void Refuse(IReadOnlyList<ManifestProblem> problems, DateTimeOffset at)
    {
        Problems = problems;
        LastChecked = at;
    }

    internal void Checked(DateTimeOffset at) => LastChecked = at;
}
