using System.Text;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Iot.Protocol.Messages;

namespace Iot.Cloud.TimeSeries.Influx;

/// <summary>
/// Readings as line protocol, built by InfluxDB.Client's <see cref="PointData"/> so tag escaping (commas, spaces,
/// equals signs) is the library's, not ours. Measurement <c>reading</c>; tags courtyard, agent, device, sensor,
/// quantity; one float field <c>value</c>; millisecond timestamps (the write goes with precision=ms).
/// </summary>
internal static class LineProtocol
{
    public const string Measurement = "reading";

    /// <summary>Lines for readings[start..start+count), newline-separated.</summary>
    public static string Build(IReadOnlyList<StoredReading> readings, int start, int count)
    {
        var body = new StringBuilder(count * 160);
        for (var i = start; i < start + count; i++)
        {
            var r = readings[i];
            var line = PointData.Builder.Measurement(Measurement)
                .Tag("courtyard", r.Courtyard.Value)
                .Tag("agent", r.Agent.Value)
                .Tag("device", r.Sensor.Device.Value)
                .Tag("sensor", r.Sensor.Value)
                .Tag("quantity", WireNames.Of(r.Quantity))
                .Field("value", r.Value)
                .Timestamp(TimeAlignment.ToMs(r.At), WritePrecision.Ms)
                .ToPointData()
                .ToLineProtocol();
            body.Append(line).Append('\n');
        }

        return body.ToString();
    }
}
