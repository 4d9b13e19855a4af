using System.Device.Gpio;
using Iot.Protocol.Identifiers;

namespace Iot.Edge.Simulation;

/// <summary>The physics of one simulated device: it sets what its chips measure and reacts to its relays.</summary>
public abstract class DeviceModel(DeviceId id, SimulatedGpioDriver pins)
{
    /// <summary>The device this model stands for.</summary>
    public DeviceId Id { get; } = id;

    /// <summary>The board's pins.</summary>
    protected SimulatedGpioDriver Pins { get; } = pins;

    /// <summary>Moves the model to <paramref name="now"/>; <paramref name="world"/> is null when scripted.</summary>
    public abstract void Advance(DateTimeOffset now, TimeSpan elapsed, WorldContext? world);

    /// <summary>The level a contact puts on its pin.</summary>
    protected static PinValue Level(bool active, bool activeLow) => active ^ activeLow ? PinValue.High : PinValue.Low;

    /// <summary>Whether a relay output is energised.</summary>
    protected bool Energised(int pin, bool activeLow) => (Pins.ValueOf(pin) == PinValue.High) ^ activeLow;
}

/// <summary>What a running world offers its models: weather and chance.</summary>
/// <param name="Weather">The site's weather.</param>
/// <param name="Random">This courtyard's random source.</param>
/// <param name="FaultRate">Multiplier on fault rates.</param>
public sealed record WorldContext(Weather Weather, Random Random, double FaultRate)
{
    /// <summary>True with probability <paramref name="perHour"/> × elapsed hours (a Poisson arrival in the step).</summary>
    public bool Chance(double perHour, TimeSpan elapsed) => Random.NextDouble() < perHour * elapsed.TotalHours;
}
