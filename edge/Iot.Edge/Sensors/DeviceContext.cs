using Iot.Edge.Hardware;
using Iot.Edge.Safety;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>What a device needs from the agent: the board, the clock, the sink, and safety settings.</summary>
/// <param name="Board">The buses.</param>
/// <param name="Time">The agent's time source.</param>
/// <param name="Sink">Readings and events.</param>
/// <param name="Location">The site's position, for the lamp schedule.</param>
/// <param name="ClockSynced">Whether wall time can be trusted (the lamp schedule needs it).</param>
/// <param name="Safety">Interlock settings.</param>
/// <param name="Latches">Interlock latches, kept across restarts and config reloads.</param>
public sealed record DeviceContext(
    Board Board,
    TimeProvider Time,
    IDeviceSink Sink,
    GeoPoint Location,
    Func<bool> ClockSynced,
    SafetyOptions Safety,
    LatchStore Latches)
{
    /// <summary>Monotonic time since an arbitrary origin; durations come from here, not from the wall clock.</summary>
    public TimeSpan Monotonic => TimeSpan.FromTicks((long)(Time.GetTimestamp() * (TimeSpan.TicksPerSecond / (double)Time.TimestampFrequency)));
}
