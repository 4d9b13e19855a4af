using System.Device.Gpio;
using System.Device.I2c;
using Iot.Edge.Hardware;

namespace Iot.Edge.Simulation;

/// <summary>A board whose buses hold simulated chips; the physical model sets what they measure.</summary>
public sealed class SimulatedBoard : Board
{
    private readonly Dictionary<(int Bus, int Address), I2cDevice> _chips = [];
    private readonly Dictionary<string, SimulatedDs18b20> _probes = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Bus, int Address), ChipFault> _faults = [];
    private readonly ManualResetEventSlim _released = new(initialState: true);
    private readonly Dictionary<(int Trigger, int Echo), Func<double>> _rangeFinders = [];

    /// <summary>Creates an empty board.</summary>
    public SimulatedBoard() => Gpio = new GpioController(Driver);

    /// <summary>The GPIO pins.</summary>
    public SimulatedGpioDriver Driver { get; } = new();

    /// <inheritdoc />
    public override GpioController Gpio { get; }

    /// <inheritdoc />
    public override bool IsSimulated => true;

    /// <inheritdoc />
    public override TimeSpan SunShift => _sunShift;

    private TimeSpan _sunShift;

    /// <summary>Runs the sun over this board <paramref name="shift"/> ahead of the clock (<see cref="TimeSpan.Zero"/>: the real sky).</summary>
    public void ShiftSun(TimeSpan shift) => _sunShift = shift;

    /// <summary>The simulated ADS1115s convert exactly on time, so their reads need no real pacing.</summary>
    protected override SampleClock CreateSampleClock() => new VirtualSampleClock();

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

    /// <summary>
    /// Makes the chip at <paramref name="address"/> misbehave as real ones do: NACK every transfer (Linux's i2c-dev then
    /// fails the call with an I/O error), or hold the bus (a chip stretching the clock for ever: every transfer on that
    /// bus blocks until <see cref="ReleaseBus"/>). <see cref="ChipFault.None"/> mends it.
    /// </summary>
    public void Break(int bus, int address, ChipFault fault)
    {
        lock (_faults)
        {
            _faults[(bus, address)] = fault;
            if (fault == ChipFault.HoldsBus)
            {
                _released.Reset();
            }
        }
    }

    /// <summary>Lets transfers blocked by a chip that holds the bus go on (they then fail, as a bus recovery would make them).</summary>
    public void ReleaseBus()
    {
        lock (_faults)
        {
            foreach (var key in _faults.Where(f => f.Value == ChipFault.HoldsBus).Select(f => f.Key).ToList())
            {
                _faults[key] = ChipFault.None;
            }
        }

        _released.Set();
    }

    /// <summary>The 1-Wire probe <paramref name="id"/> on the bus.</summary>
    public SimulatedDs18b20 Probe(string id) => _probes[id];

    /// <inheritdoc />
    public override I2cDevice OpenI2c(int bus, int address)
    {
        Transfer(bus, address);
        return _chips.TryGetValue((bus, address), out var chip)
            ? new SharedI2cDevice(chip, () => Transfer(bus, address))
            : throw new IOException($"no chip answers at address 0x{address:x2} on I2C bus {bus}");
    }

    // What the bus does before each transfer with a chip: nothing, fail, or block while a chip holds it.
    private void Transfer(int bus, int address)
    {
        ChipFault fault;
        bool held;
        lock (_faults)
        {
            fault = _faults.GetValueOrDefault((bus, address));
            held = _faults.Any(f => f.Key.Bus == bus && f.Value == ChipFault.HoldsBus);
        }

        if (held)
        {
            _released.Wait();
            throw new IOException($"I2C bus {bus} timed out: a chip held it");
        }

        if (fault == ChipFault.Nack)
        {
            throw new IOException($"Remote I/O error: no acknowledge from 0x{address:x2} on I2C bus {bus}");
        }
    }

    /// <inheritdoc />
    public override Func<double> OpenThermometer(string oneWireId) =>
        _probes.TryGetValue(oneWireId, out var probe) && !probe.Unplugged
            ? () => probe.Garbled ? double.NaN : W1SlaveText.Parse(probe.W1SlaveText())
            : throw new IOException($"no 1-Wire device {oneWireId} on the bus");

    /// <summary>What the kernel's srf04 driver reports for the physical distance: whole millimetres, rounded down.</summary>
    public override Func<double> OpenRangeFinder(int triggerPin, int echoPin) =>
        _rangeFinders.TryGetValue((triggerPin, echoPin), out var distanceCm)
            ? () => Math.Floor((distanceCm() * 10) + 1e-9) / 10
            : throw new IOException($"no HC-SR04 on trigger GPIO {triggerPin} and echo GPIO {echoPin}");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _released.Set();   // nothing stays blocked on a board that is gone
            _released.Dispose();
        }

        base.Dispose(disposing);
    }

    // Drivers dispose the I2cDevice they are given; the chip itself stays on the board. Every transfer passes the bus.
    private sealed class SharedI2cDevice(I2cDevice chip, Action transfer) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => chip.ConnectionSettings;

        public override byte ReadByte()
        {
            transfer();
            return chip.ReadByte();
        }

        public override void Read(Span<byte> buffer)
        {
            transfer();
            chip.Read(buffer);
        }

        public override void WriteByte(byte value)
        {
            transfer();
            chip.WriteByte(value);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            transfer();
            chip.Write(buffer);
        }

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            transfer();
            chip.WriteRead(writeBuffer, readBuffer);
        }
    }
}

/// <summary>How a simulated I2C chip misbehaves.</summary>
public enum ChipFault
{
    /// <summary>It answers.</summary>
    None,

    /// <summary>It does not acknowledge: every transfer fails with an I/O error (a chip gone, a broken wire).</summary>
    Nack,

    /// <summary>It holds the bus: every transfer on its bus blocks (clock stretched for ever) until released.</summary>
    HoldsBus,
}
