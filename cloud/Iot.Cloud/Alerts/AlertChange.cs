namespace Iot.Cloud.Alerts;

/// <summary>Something that happened to an alert, for the live feed, notifications and work orders.</summary>
/// <param name="Alert">The alert after the change.</param>
/// <param name="Kind">The history kind (<c>raised</c>, <c>cleared</c>, <c>flapping</c>, ...).</param>
/// <param name="Notify">Whether people should be told (not while silenced or flapping).</param>
public sealed record AlertChange(Alert Alert, string Kind, bool Notify);

/// <summary>The event of alerts having changed, for the work orders and the notifications that follow them.</summary>
/// <param name="Changes">What happened, in order.</param>
/// <param name="Swept">Whether this came from a tick of the clock, when later stages sweep their deadlines too.</param>
public sealed record AlertsChanged(IReadOnlyList<AlertChange> Changes, bool Swept = false);
