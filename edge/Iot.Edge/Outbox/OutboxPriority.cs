namespace Iot.Edge.Outbox;

/// <summary>
/// The outbox keeps one queue per priority. Higher priorities are sent first and dropped last:
/// an interlock record must never wait behind an hour of telemetry, nor be the first thing lost.
/// </summary>
public enum OutboxPriority
{
    /// <summary>Interlock cut-offs, resets and lockouts.</summary>
    Safety = 0,

    /// <summary>Other events and command results.</summary>
    Event = 1,

    /// <summary>Telemetry batches: sent last, dropped first.</summary>
    Telemetry = 2,
}
