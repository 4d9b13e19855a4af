using Iot.Cloud.Ingest;
using Iot.Cloud.Rules;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.Rules;

/// <summary>Readings and events placed after business time wait for it (a demo's replayed week).</summary>
public sealed class AheadOfClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void What_lies_after_the_clock_waits_until_the_clock_reaches_it_and_then_comes_before_newer_input()
    {
        var ahead = new AheadOfClock();
        var batch = new StoredBatch([Reading(Now - TimeSpan.FromMinutes(1)), Reading(Now + TimeSpan.FromHours(2))], [Event(Now + TimeSpan.FromHours(1))], []);

        var first = ahead.Release([batch], Now);
        Assert.Equal([Now - TimeSpan.FromMinutes(1)], first.SelectMany(b => b.Readings).Select(r => r.At));
        Assert.Empty(first.SelectMany(b => b.Events));
        Assert.Equal(2, ahead.Count);

        var later = ahead.Release([new StoredBatch([Reading(Now + TimeSpan.FromMinutes(61))], [], [])], Now + TimeSpan.FromMinutes(90));
        Assert.Equal([Now + TimeSpan.FromHours(1)], later.SelectMany(b => b.Events).Select(e => e.At));
        Assert.Equal([Now + TimeSpan.FromMinutes(61)], later.SelectMany(b => b.Readings).Select(r => r.At));
        Assert.Equal(1, ahead.Count);

        var last = ahead.Release([], Now + TimeSpan.FromHours(3));
        Assert.Equal([Now + TimeSpan.FromHours(2)], last.SelectMany(b => b.Readings).Select(r => r.At));
        Assert.Equal(0, ahead.Count);
    }

    [Fact]
    public void Nothing_is_held_or_copied_when_everything_is_at_or_before_the_clock()
    {
        var ahead = new AheadOfClock();
        IReadOnlyList<StoredBatch> inputs = [new StoredBatch([Reading(Now)], [Event(Now - TimeSpan.FromSeconds(1))], [])];

        Assert.Same(inputs, ahead.Release(inputs, Now));
        Assert.Equal(0, ahead.Count);
    }

    private static StoredReading Reading(DateTimeOffset at) =>
        new(CourtyardId.Parse("yikang-1"), AgentId.Parse("yikang-1-a"), SensorId.Parse("lamp-01.current"), Quantity.Current, 0.45, at);

    private static DeviceEventRecord Event(DateTimeOffset at) => new()
    {
        AgentId = AgentId.Parse("yikang-1-a"), BootId = "b1", CourtyardId = CourtyardId.Parse("yikang-1"), DeviceId = DeviceId.Parse("gate-01"), Kind = "gateForced", At = at,
    };
}
