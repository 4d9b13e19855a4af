using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Iot.Protocol.Messages;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// Readings as line protocol, written as UTF-8 straight into a caller's buffer (no string per reading): measurement
/// <c>reading</c>; tags agent, courtyard, device, quantity, sensor (sorted by key, as InfluxDB asks for its fastest
/// parse); one float field <c>value</c>; millisecond timestamps (the write goes with precision=ms). Escaping is
/// InfluxDB.Client's (<c>PointData</c>), which a test holds it to.
/// </summary>
internal static class LineProtocol
{
    public const string Measurement = "reading";

    // Line protocol's specials in tag keys and values; ids never hold them, so one search skips escaping.
    private static readonly SearchValues<char> Specials = SearchValues.Create(" ,=\n\r\t");

    /// <summary>Appends lines for readings[start..start+count), each ending in a newline.</summary>
    public static void Write(IReadOnlyList<StoredReading> readings, int start, int count, IBufferWriter<byte> output)
    {
        for (var i = start; i < start + count; i++)
        {
            Write(readings[i], output);
        }
    }

    /// <summary>Appends one reading's line. A value that is not finite has no line, as PointData drops such a field.</summary>
    public static void Write(StoredReading reading, IBufferWriter<byte> output)
    {
        if (!double.IsFinite(reading.Value))
        {
            return;
        }

        var agent = reading.Agent.Value;
        var courtyard = reading.Courtyard.Value;
        var device = reading.Sensor.Device.Value;
        var quantity = WireNames.Of(reading.Quantity);
        var sensor = reading.Sensor.Value;

        // At most 3 bytes a character (UTF-8; an escaped one takes 2); 128 for the names (58), the value (at most 24) and the time (at most 20).
        var span = output.GetSpan(128 + (3 * (agent.Length + courtyard.Length + device.Length + quantity.Length + sensor.Length)));
        var n = Copy("reading"u8, span); // Measurement
        n += Tag(",agent="u8, agent, span[n..]);
        n += Tag(",courtyard="u8, courtyard, span[n..]);
        n += Tag(",device="u8, device, span[n..]);
        n += Tag(",quantity="u8, quantity, span[n..]);
        n += Tag(",sensor="u8, sensor, span[n..]);
        n += Copy(" value="u8, span[n..]);

        // The shortest text that parses back to the same double (PointData writes G17: longer, the same value stored).
        reading.Value.TryFormat(span[n..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        n += written;
        span[n++] = (byte)' ';
        Utf8Formatter.TryFormat(TimeAlignment.ToMs(reading.At), span[n..], out written);
        n += written;
        span[n++] = (byte)'\n';
        output.Advance(n);
    }

    /// <summary>The lines as text (tests and diagnostics).</summary>
    public static string Build(IReadOnlyList<StoredReading> readings, int start, int count)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(readings, start, count, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int Tag(ReadOnlySpan<byte> prefix, string value, Span<byte> span)
    {
        if (value.Length == 0)
        {
            return 0; // PointData leaves out an empty tag; InfluxDB would refuse it
        }

        var n = Copy(prefix, span);
        var rest = value.AsSpan();
        for (var i = rest.IndexOfAny(Specials); i >= 0; i = rest.IndexOfAny(Specials))
        {
            n += Encoding.UTF8.GetBytes(rest[..i], span[n..]);
            span[n++] = (byte)'\\';
            span[n++] = rest[i] switch { '\n' => (byte)'n', '\r' => (byte)'r', '\t' => (byte)'t', var c => (byte)c };
            rest = rest[(i + 1)..];
        }

        return n + Encoding.UTF8.GetBytes(rest, span[n..]);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> span)
    {
        text.CopyTo(span);
        return text.Length;
    }
}
