using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Sites;

// The site registry as loaded from the manifests (firmware-config/sites). Ids are the manifests' slugs.

/// <summary>The street office's site.</summary>
public sealed class SiteEntry
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string TimeZone { get; set; }

    public double Latitude { get; set; }

    public double Longitude { get; set; }

    /// <summary>Hash of the manifest files last synced, so an unchanged site is not rewritten.</summary>
    public required string ManifestHash { get; set; }

    public DateTimeOffset SyncedAt { get; set; }
}

/// <summary>A property company, owning unit or residents' committee.</summary>
public sealed class Party
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public string? Phone { get; set; }
}

/// <summary>A community (社区).</summary>
public sealed class Community
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string ResidentsCommitteeId { get; set; }
}

/// <summary>A block (街区) with its contracted property company.</summary>
public sealed class Block
{
    public required string Id { get; set; }

    public required string CommunityId { get; set; }

    public required string Name { get; set; }

    public string? PropertyCompanyId { get; set; }
}

/// <summary>A courtyard (院坝) and the party responsible for it.</summary>
public sealed class Courtyard
{
    public required CourtyardId Id { get; set; }

    public required string CommunityId { get; set; }

    public required string BlockId { get; set; }

    public required string Name { get; set; }

    public required string ResponsiblePartyId { get; set; }

    public int? Households { get; set; }

    /// <summary>The schematic plan as JSON (buildings, size), drawn by the staff console.</summary>
    public string? PlanJson { get; set; }
}

/// <summary>An edge agent, its manifest slice and the state of its desired configuration.</summary>
public sealed class Agent
{
    public required AgentId Id { get; set; }

    public required CourtyardId CourtyardId { get; set; }

    /// <summary>The agent's manifest slice as JSON: the body of its desired configuration.</summary>
    public required string ManifestJson { get; set; }

    /// <summary>Hash of <see cref="ManifestJson"/>'s configuration (what the agent should run).</summary>
    public required string DesiredHash { get; set; }

    /// <summary>Hash last published as a retained config message.</summary>
    public string? PublishedHash { get; set; }

    /// <summary>Hash the agent reports in force.</summary>
    public string? AppliedHash { get; set; }

    /// <summary>Hash the agent last refused, with its reasons.</summary>
    public string? RejectedHash { get; set; }

    public string? RejectedReasons { get; set; }

    /// <summary>Where the agent stands with its desired configuration.</summary>
    public AgentConfigState ConfigState() =>
        AppliedHash == DesiredHash ? AgentConfigState.InSync
        : RejectedHash == DesiredHash ? AgentConfigState.Rejected
        : AgentConfigState.Pending;
}

/// <summary>Where an agent stands with its desired configuration (<c>inSync</c>, <c>rejected</c>, <c>pending</c> in the API).</summary>
public enum AgentConfigState
{
    /// <summary>It runs what it should.</summary>
    InSync,

    /// <summary>It refused the configuration it should run (the reasons are kept).</summary>
    Rejected,

    /// <summary>It has not said yet that it runs the newest one.</summary>
    Pending,
}

/// <summary>A device of an agent.</summary>
public sealed class Device
{
    public required AgentId AgentId { get; set; }

    public required DeviceId Id { get; set; }

    public required string Kind { get; set; }

    public required string Name { get; set; }

    public double? X { get; set; }

    public double? Y { get; set; }
}

/// <summary>Whether an agent is connected, from its birth, update, Last Will and shutdown status messages.</summary>
public sealed class AgentPresence
{
    public required AgentId AgentId { get; set; }

    /// <summary>Online or offline (stored as <c>online</c>, <c>offline</c>).</summary>
    public required Presence State { get; set; }

    /// <summary>When the state last changed (cloud clock).</summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>When the last status arrived (cloud clock).</summary>
    public DateTimeOffset LastSeen { get; set; }

    public required string BootId { get; set; }

    public long StatusSeq { get; set; }

    public string? AgentVersion { get; set; }

    public bool ClockSynced { get; set; }

    /// <summary>The last health figures as JSON (outbox, disk, CPU temperature).</summary>
    public string? HealthJson { get; set; }

    /// <summary>For offline: <c>shutdown</c> or <c>connectionLost</c>.</summary>
    public string? Reason { get; set; }
}
