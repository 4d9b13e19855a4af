using System.Device.Gpio;
using Iot.Device.Adc;
using Iot.Device.Ads1115;
using Iot.Device.Bh1750fvi;
using Iot.Device.Lm75;
using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Sites;

namespace Iot.Edge.Tests.Simulation;

/// <summary>The real Iot.Device.Bindings drivers read what the datasheets say from the simulated chips.</summary>
public sealed class SimulatedChipTests
{
    [Theory]
    [InlineData(0.1, 2, 0.45, 12.2)]
    [InlineData(0.05, 5, 1.87, 5.0)]
    [InlineData(0.05, 5, 4.2, 3.3)]
    public void Ina219_binding_reads_current_and_bus_voltage_to_within_one_lsb(double shunt, double maxCurrent, double amps, double volts)
    {
        using var board = new SimulatedBoard();
        var chip = board.Add(new SimulatedIna219(1, 0x40, shunt) { CurrentA = amps, BusVolts = volts });
        using var ina = Parts.OpenIna219(board, new PartManifest("current", "ina219", Bus: 1, Address: "0x40", ShuntOhms: shunt, MaxCurrentA: maxCurrent));

        Assert.Equal(amps, ina.ReadCurrent().Amperes, 0.0005 + (maxCurrent / 32768.0 * 2));
        Assert.Equal(volts, ina.ReadBusVoltage().Volts, 0.004);
        Assert.Equal(amps * shunt, ina.ReadShuntVoltage().Volts, 0.00001);
        Assert.Equal(amps * volts, (double)ina.ReadPower().Watts, amps * volts * 0.01 + 0.01);
        Assert.NotNull(chip);
    }

    [Fact]
    public void Ina219_clips_at_its_pga_range_like_the_chip()
    {
        using var board = new SimulatedBoard();
        board.Add(new SimulatedIna219(1, 0x40, 0.1) { CurrentA = 10 });     // 1 V across the shunt: far beyond ±320 mV
        using var ina = new Ina219(board.OpenI2c(1, 0x40));
        Assert.Equal(0.32, ina.ReadShuntVoltage().Volts, 0.00001);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(250)]
    [InlineData(12_000)]
    public void Bh1750_binding_reads_lux_as_count_over_1_2(double lux)
    {
        using var board = new SimulatedBoard();
        board.Add(new SimulatedBh1750(1, 0x23) { Lux = lux });
        using var sensor = new Bh1750fvi(board.OpenI2c(1, 0x23));
        Assert.Equal(Math.Round(Math.Round(lux * 1.2) / 1.2, 1), sensor.Illuminance.Lux, 0.05);
    }

    [Fact]
    public void Bh1750_saturates_at_65535_counts_in_sunlight()
    {
        using var board = new SimulatedBoard();
        board.Add(new SimulatedBh1750(1, 0x5c) { Lux = 100_000 });
        using var sensor = new Bh1750fvi(board.OpenI2c(1, 0x5c));
        Assert.Equal(54612.5, sensor.Illuminance.Lux, 0.1);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1, 2.0)]
    [InlineData(3, 3.0)]
    public void Ads1115_binding_converts_the_selected_single_ended_input(int channel, double volts)
    {
        using var board = new SimulatedBoard();
        var chip = board.Add(new SimulatedAds1115(1, 0x48));
        chip.SetInput(channel, volts);
        chip.SetInput((channel + 1) % 4, 1.234); // another input must not leak in
        using var adc = new Ads1115(board.OpenI2c(1, 0x48), InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.PowerDown);
        Assert.Equal(volts, adc.ReadVoltage(InputMultiplexer.AIN0 + channel).Volts, 0.000125);
    }

    [Theory]
    [InlineData(23.5, 23.5)]
    [InlineData(71.125, 71.1)]
    [InlineData(-10.25, -10.2)] // the binding rounds half to even
    public void Lm75_binding_reads_eleven_bit_twos_complement(double celsius, double expected)
    {
        using var board = new SimulatedBoard();
        board.Add(new SimulatedLm75(1, 0x49) { Celsius = celsius });
        using var sensor = new Lm75(board.OpenI2c(1, 0x49));
        Assert.Equal(expected, sensor.Temperature.DegreesCelsius, 0.0001);
    }

    [Fact]
    public void Ds18b20_text_carries_a_valid_crc_and_the_temperature_in_sixteenths()
    {
        var probe = new SimulatedDs18b20("28-0316a2794e01") { Celsius = 23.94 };
        var text = probe.W1SlaveText();
        Assert.Contains("YES", text, StringComparison.Ordinal);
        Assert.Equal(23.937, W1SlaveText.Parse(text), 0.00001); // 383/16 °C in whole millidegrees, as the kernel prints it
    }

    [Fact]
    public void Ds18b20_with_a_bad_crc_is_refused_not_read_as_a_temperature()
    {
        var probe = new SimulatedDs18b20("28-0316a2794e01") { Celsius = 20, Noisy = true };
        Assert.Contains("NO", probe.W1SlaveText(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => W1SlaveText.Parse(probe.W1SlaveText()));
    }

    [Theory]
    [InlineData(68.0, 68.0)]
    [InlineData(57.35, 57.3)]
    [InlineData(12.09, 12.0)]
    public void An_hc_sr04_reads_the_physical_distance_in_whole_millimetres_as_the_kernel_driver_reports_it(double physical, double reported)
    {
        using var board = new SimulatedBoard();
        board.AttachRangeFinder(18, 19, () => physical);
        Assert.Equal(reported, board.OpenRangeFinder(18, 19)(), 1e-9);
        Assert.Throws<IOException>(() => board.OpenRangeFinder(23, 24));
    }

    [Fact]
    public void Gpio_edge_callbacks_fire_on_the_edges_registered_and_only_those()
    {
        using var board = new SimulatedBoard();
        var gpio = board.Gpio;
        gpio.OpenPin(16, PinMode.InputPullUp);
        var seen = new List<PinEventTypes>();
        gpio.RegisterCallbackForPinValueChangedEvent(16, PinEventTypes.Falling, (_, e) => seen.Add(e.ChangeType));
        Assert.Equal(PinValue.High, gpio.Read(16)); // the pull-up holds an open contact high

        board.Driver.SetInput(16, PinValue.Low);
        board.Driver.SetInput(16, PinValue.Low);   // no change, no edge
        board.Driver.SetInput(16, PinValue.High);  // rising: not registered
        board.Driver.SetInput(16, PinValue.Low);

        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Falling], seen);
    }
}
