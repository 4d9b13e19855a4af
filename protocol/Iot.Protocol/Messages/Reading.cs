using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Messages;

/// <summary>
/// One measurement. Exactly one of <see cref="At"/> (UTC, once the agent's clock is synced) or
/// <see cref="BootMs"/> (milliseconds since the message's boot, before that) says when it was taken.
/// </summary>
/// <param name="Sensor">The measured signal, <c>{device}.{signal}</c>.</param>
/// <param name="Quantity">What was measured; fixes the unit and the physical range.</param>
/// <param name="Value">The value in the quantity's unit.</param>
/// <param name="At">When the reading was taken, UTC.</param>
/// <param name="BootMs">When the reading was taken, in milliseconds since the agent booted.</param>
public sealed record Reading(
    [property: JsonPropertyOrder(0)] SensorId Sensor,
    [property: JsonPropertyOrder(1)] Quantity Quantity,
    [property: JsonPropertyOrder(3)] double Value,
    [property: JsonPropertyOrder(4)] DateTimeOffset? At = null,
    [property: JsonPropertyOrder(5)] long? BootMs = null)
{
    /// <summary>The unit of <see cref="Value"/>, fixed by <see cref="Quantity"/>.</summary>
    [JsonPropertyOrder(2)]
    public string Unit => Quantities.UnitOf(Quantity);
}
