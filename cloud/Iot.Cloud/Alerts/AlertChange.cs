namespace Iot.Cloud.Alerts;

/// <summary>Something that happened to an alert, for the live feed, notifications and work orders.</summary>
/// <param name="Alert">The alert after the change.</param>
/// <param name="Kind">The history kind (<c>raised</c>, <c>cleared</c>, <c>flapping</c>, ...).</param>
/// <param name="Notify">Whether people should be told (not while silenced or flapping).</param>
public sealed record AlertChange(Alert Alert, string Kind, bool Notify);
