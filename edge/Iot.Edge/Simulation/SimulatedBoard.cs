using System.Device.Gpio;
using System.Device.I2c;
using Iot.Edge.Hardware;

namespace Iot.Edge.Simulation;

/// <summary>A board whose buses hold simulated chips; the physical model sets what they measure.</summary>
public sealed class SimulatedBoard : Board
{
    private readonly Dictionary<(int Bus, int Address), I2cDevice> _chips = [];
    private readonly Dictionary<string, SimulatedDs18b20> _probes = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Trigger, int Echo), Func<double>> _rangeFinders = [];

    /// <summary>Creates an empty board.</summary>
    public SimulatedBoard() => Gpio = new GpioController(Driver);

    /// <summary>The GPIO pins.</summary>
    public SimulatedGpioDriver Driver { get; } = new();

    /// <inheritdoc />
    public override GpioController Gpio { get; }

    /// <inheritdoc />
    public override bool IsSimulated => true;

    /// <summary>Solders a chip onto the bus.</summary>
    public T Add<T>(T chip)
        where T : I2cDevice
    {
        ArgumentNullException.ThrowIfNull(chip);
        _chips[(chip.ConnectionSettings.BusId, chip.ConnectionSettings.DeviceAddress)] = chip;
        return chip;
    }

    /// <summary>Plugs a probe into the 1-Wire bus.</summary>
    public SimulatedDs18b20 Add(SimulatedDs18b20 probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        _probes[probe.Id] = probe;
        return probe;
    }

    /// <summary>Wires an HC-SR04 to <paramref name="triggerPin"/> and <paramref name="echoPin"/>; it sees <paramref name="distanceCm"/>.</summary>
    public void AttachRangeFinder(int triggerPin, int echoPin, Func<double> distanceCm) => _rangeFinders[(triggerPin, echoPin)] = distanceCm;

    /// <inheritdoc />
    public override I2cDevice OpenI2c(int bus, int address) =>
        _chips.TryGetValue((bus, address), out var chip)
            ? new SharedI2cDevice(chip)
            : throw new IOException($"no chip answers at address 0x{address:x2} on I2C bus {bus}");

    /// <inheritdoc />
    public override Func<double> OpenThermometer(string oneWireId) =>
        _probes.TryGetValue(oneWireId, out var probe)
            ? () => W1SlaveText.Parse(probe.W1SlaveText())
            : throw new IOException($"no 1-Wire device {oneWireId} on the bus");

    /// <summary>What the kernel's srf04 driver reports for the physical distance: whole millimetres, rounded down.</summary>
    public override Func<double> OpenRangeFinder(int triggerPin, int echoPin) =>
        _rangeFinders.TryGetValue((triggerPin, echoPin), out var distanceCm)
            ? () => Math.Floor((distanceCm() * 10) + 1e-9) / 10
            : throw new IOException($"no HC-SR04 on trigger GPIO {triggerPin} and echo GPIO {echoPin}");

    // Drivers dispose the I2cDevice they are given; the chip itself stays on the board.
    private sealed class SharedI2cDevice(I2cDevice chip) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => chip.ConnectionSettings;

        public override byte ReadByte() => chip.ReadByte();

        public override void Read(Span<byte> buffer) => chip.Read(buffer);

        public override void WriteByte(byte value) => chip.WriteByte(value);

        public override void Write(ReadOnlySpan<byte> buffer) => chip.Write(buffer);

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => chip.WriteRead(writeBuffer, readBuffer);
    }
}
