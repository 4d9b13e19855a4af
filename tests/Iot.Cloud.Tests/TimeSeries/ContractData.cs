using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>
/// The data every backend gets in the contract tests: two courtyards, three agents, one sensor id used by three
/// agents, readings two hours old and more (inside any raw retention, and in the past for InfluxDB's sake).
/// </summary>
internal sealed class ContractData
{
    public static readonly CourtyardId Yikang12 = CourtyardId.Parse("yikang-12");
    public static readonly CourtyardId Yikang14 = CourtyardId.Parse("yikang-14");
    public static readonly AgentId A = AgentId.Parse("yikang-12-a");
    public static readonly AgentId B = AgentId.Parse("yikang-12-b");
    public static readonly AgentId C = AgentId.Parse("yikang-14-a");
    public static readonly SensorId Lamp = SensorId.Parse("lamp-01.current");
    public static readonly SensorId Drain = SensorId.Parse("drain-01.water-level");
    public static readonly SensorId Gate = SensorId.Parse("gate-01.contact");

    public ContractData(DateTimeOffset now)
    {
        // T is a whole UTC hour two to three hours ago: windows below are counted from it.
        T = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero).AddHours(-2);
        Readings =
        [
            LampA(0, 0.40),
            LampA(20_000, 0.50),
            new(Yikang12, A, Lamp, Quantity.Current, 0.60, T.AddMilliseconds(40_123).AddTicks(6_000)), // sub-millisecond part is dropped
            LampA(60_000, 0.30),
            LampA(65_000, 0.90),
            LampA(300_000, 0.70),
            LampA(3_610_000, 1.00),
            LampA(3_630_000, 1.20),
            new(Yikang12, A, Drain, Quantity.WaterLevel, 12.0, T.AddSeconds(10)),
            new(Yikang12, A, Drain, Quantity.WaterLevel, 13.5, T.AddMinutes(2)),
            new(Yikang12, B, Lamp, Quantity.Current, 2.0, T.AddSeconds(5)),
            new(Yikang12, B, Lamp, Quantity.Current, 2.5, T.AddSeconds(50)),
            new(Yikang14, C, Lamp, Quantity.Current, 9.0, T.AddSeconds(30)),
            new(Yikang14, C, Lamp, Quantity.Current, 9.5, T.AddMinutes(110)),
        ];
    }

    public DateTimeOffset T { get; }

    public IReadOnlyList<StoredReading> Readings { get; }

    private StoredReading LampA(long ms, double value) => new(Yikang12, A, Lamp, Quantity.Current, value, T.AddMilliseconds(ms));
}
