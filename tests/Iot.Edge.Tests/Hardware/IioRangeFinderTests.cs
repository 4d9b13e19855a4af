using System.Buffers.Binary;
using Iot.Edge.Hardware;

namespace Iot.Edge.Tests.Hardware;

/// <summary>
/// The Pi's HC-SR04 reader against a copy of what the kernel shows in /sys/bus/iio/devices: an srf04 device per sensor,
/// its device-tree node's trig-gpios and echo-gpios as big-endian cells, and in_distance_raw in millimetres.
/// </summary>
public sealed class IioRangeFinderTests : IDisposable
{
    private readonly string _devices = Directory.CreateTempSubdirectory("iot-iio-").FullName;

    public void Dispose() => Directory.Delete(_devices, recursive: true);

    private string Device(int index, string name, int? trigger = null, int? echo = null, string? millimetres = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_devices, $"iio:device{index}")).FullName;
        File.WriteAllText(Path.Combine(folder, "name"), name + "\n");
        if (trigger is { } t && echo is { } e)
        {
            var node = Directory.CreateDirectory(Path.Combine(folder, "of_node")).FullName;
            File.WriteAllBytes(Path.Combine(node, "trig-gpios"), Cells(0x1a, t, 0));
            File.WriteAllBytes(Path.Combine(node, "echo-gpios"), Cells(0x1a, e, 0));
        }

        if (millimetres is not null)
        {
            File.WriteAllText(Path.Combine(folder, "in_distance_raw"), millimetres);
        }

        return folder;
    }

    private static byte[] Cells(params int[] cells)
    {
        var bytes = new byte[cells.Length * 4];
        for (var i = 0; i < cells.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), (uint)cells[i]);
        }

        return bytes;
    }

    [Fact]
    public void Each_hc_sr04_is_read_from_the_srf04_device_whose_node_names_its_trigger_pin()
    {
        Device(0, "bmp280");
        Device(1, "srf04", trigger: 23, echo: 24, millimetres: "1234\n");
        Device(2, "srf04", trigger: 18, echo: 19, millimetres: "680\n");

        Assert.Equal(68.0, IioRangeFinder.TryOpen(18, 19, _devices)!(), 1e-9);
        Assert.Equal(123.4, IioRangeFinder.TryOpen(23, 24, _devices)!(), 1e-9);
    }

    [Fact]
    public void Without_an_srf04_device_for_its_trigger_pin_there_is_no_kernel_reader_and_a_crossed_echo_pin_is_named()
    {
        Device(0, "srf04", trigger: 23, echo: 24, millimetres: "500\n");

        Assert.Null(IioRangeFinder.TryOpen(18, 19, _devices));   // the agent times this one itself
        var crossed = Assert.Throws<IOException>(() => IioRangeFinder.TryOpen(23, 25, _devices));
        Assert.Contains("echo GPIO 24", crossed.Message, StringComparison.Ordinal);
        Assert.Null(IioRangeFinder.TryOpen(18, 19, Path.Combine(_devices, "no-such-folder")));
    }
}
