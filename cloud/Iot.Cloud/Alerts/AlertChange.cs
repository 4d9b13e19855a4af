using Iot.Protocol.Messages;

namespace Iot.Cloud.Alerts;

/// <summary>Something that happened to an alert, for the live feed, notifications and work orders.</summary>
/// <param name="Alert">The alert after the change.</param>
/// <param name="Kind">What happened; its wire name (<c>raised</c>, <c>cleared</c>, ...) is the history's and the live feed's.</param>
/// <param name="Notify">Whether people should be told (not while silenced or flapping).</param>
public sealed record AlertChange(Alert Alert, AlertChangeKind Kind, bool Notify)
{
    /// <summary>The kind as the history, the live feed and the webhooks spell it.</summary>
    public string Name => WireNames.Of(Kind);
}

/// <summary>What can happen to an alert (its history's kinds).</summary>
public enum AlertChangeKind
{
    /// <summary>First raised.</summary>
    Raised,

    /// <summary>Raised again after it had cleared.</summary>
    Reraised,

    /// <summary>Raised again while still raised (counted).</summary>
    Repeated,

    /// <summary>The condition is gone.</summary>
    Cleared,

    /// <summary>Raised and cleared too often: told once, then quiet.</summary>
    Flapping,

    /// <summary>No longer flapping.</summary>
    Settled,

    /// <summary>Held back by a maintenance window (history only).</summary>
    Silenced,

    /// <summary>Its maintenance window ended.</summary>
    Unsilenced,

    /// <summary>A person of the responsible party has seen it.</summary>
    Acknowledged,

    /// <summary>Closed by a person, its order, or the sweep.</summary>
    Closed,
}

/// <summary>The event of alerts having changed, for the work orders and the notifications that follow them.</summary>
/// <param name="Changes">What happened, in order.</param>
/// <param name="Swept">Whether this came from a tick of the clock, when later stages sweep their deadlines too.</param>
public sealed record AlertsChanged(IReadOnlyList<AlertChange> Changes, bool Swept = false);
