using System.Text;
using System.Text.Json;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Validation;

namespace Iot.Protocol.Tests.Messages;

public class RoundTripTests
{
    private static void AssertRoundTrips<T>(T message, Func<byte[], DateTimeOffset, ReadResult<T>> read)
        where T : class
    {
        var json = ProtocolJson.Serialize(message);
        var result = read(json, Samples.Now);
        Assert.True(result.IsValid, result.Summary);
        Assert.Equal(Encoding.UTF8.GetString(json), ProtocolJson.SerializeToString(result.Message));

        var trusted = ProtocolJson.DeserializeTrusted<T>(json);
        Assert.Equal(Encoding.UTF8.GetString(json), ProtocolJson.SerializeToString(trusted));
    }

    [Fact]
    public void Telemetry_batch_round_trips() => AssertRoundTrips(Samples.Telemetry(), (b, n) => MessageReader.ReadTelemetry(b, n));

    [Fact]
    public void Telemetry_batch_with_its_synced_clock_round_trips_and_without_it_has_no_clock_field()
    {
        var synced = Samples.Telemetry() with { Clock = new SyncedClock(3_600_000, Samples.Now) };
        AssertRoundTrips(synced, (b, n) => MessageReader.ReadTelemetry(b, n));
        Assert.Equal(Samples.Now.AddHours(-1), MessageReader.ReadTelemetry(ProtocolJson.Serialize(synced), Samples.Now).Message!.Clock!.BootStart);
        using (var written = JsonDocument.Parse(ProtocolJson.Serialize(synced)))
        {
            Assert.Equal(["bootMs", "at"], written.RootElement.GetProperty("clock").EnumerateObject().Select(p => p.Name));
        }

        using var doc = JsonDocument.Parse(ProtocolJson.Serialize(Samples.Telemetry()));
        Assert.False(doc.RootElement.TryGetProperty("clock", out _), "a batch written before the sync says nothing of the clock");
    }

    [Fact]
    public void Event_round_trips() => AssertRoundTrips(Samples.Event(), (b, n) => MessageReader.ReadEvent(b, n));

    [Fact]
    public void Status_round_trips() => AssertRoundTrips(Samples.Status(), (b, n) => MessageReader.ReadStatus(b, n));

    [Fact]
    public void Last_will_status_round_trips() => AssertRoundTrips(Samples.Will(), (b, n) => MessageReader.ReadStatus(b, n));

    [Fact]
    public void Command_round_trips() => AssertRoundTrips(Samples.Reset(), (b, n) => MessageReader.ReadCommand(b, n));

    [Fact]
    public void Command_result_round_trips() => AssertRoundTrips(Samples.Result(), (b, n) => MessageReader.ReadCommandResult(b, n));

    [Fact]
    public void Desired_config_round_trips() => AssertRoundTrips(Samples.Config(), (b, n) => MessageReader.ReadDesiredConfig(b, n));

    [Fact]
    public void Stored_watermark_round_trips() => AssertRoundTrips(Samples.Stored(), (b, n) => MessageReader.ReadStored(b, n));

    [Fact]
    public void Status_with_outbox_floors_round_trips() => AssertRoundTrips(
        Samples.Status() with { Health = new AgentHealth(5_200, 1 << 20, 154, 0, OutboxFloors: [new OutboxFloor(Samples.Boot, 1_200)]) },
        (b, n) => MessageReader.ReadStatus(b, n));

    [Fact]
    public void Numbers_are_numbers_times_are_utc_and_enums_are_camel_case()
    {
        using var doc = JsonDocument.Parse(ProtocolJson.Serialize(Samples.Telemetry()));
        var reading = doc.RootElement.GetProperty("readings")[0];
        Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("seq").ValueKind);
        Assert.Equal(JsonValueKind.Number, reading.GetProperty("value").ValueKind);
        Assert.Equal("2026-11-29T13:05:07.123Z", reading.GetProperty("at").GetString());
        Assert.Equal("current", reading.GetProperty("quantity").GetString());
        Assert.Equal("A", reading.GetProperty("unit").GetString());
        Assert.Equal("1.3", doc.RootElement.GetProperty("v").GetString());
        Assert.Equal("waterLevel", doc.RootElement.GetProperty("readings")[2].GetProperty("quantity").GetString());
        Assert.False(doc.RootElement.GetProperty("readings")[2].TryGetProperty("at", out _), "absent times are left out, not null");
    }

    [Fact]
    public void Times_with_offsets_are_written_in_utc()
    {
        var local = new DateTimeOffset(2026, 11, 29, 21, 5, 9, TimeSpan.FromHours(8));
        Assert.Equal("2026-11-29T13:05:09.000Z", UtcTimestampConverter.ToWire(local));
    }

    [Fact]
    public void Equal_configs_have_equal_hashes_whatever_the_threshold_order()
    {
        var a = Samples.AgentConfig();
        var device = a.Devices[0];
        var reordered = a with
        {
            Devices = [device with { Thresholds = new Dictionary<string, Iot.Protocol.Sites.Threshold> { ["x"] = new(Above: 1, ClearBelow: 0), ["burntOutCurrentA"] = device.Thresholds!["burntOutCurrentA"] } }],
        };
        var sorted = a with
        {
            Devices = [device with { Thresholds = new Dictionary<string, Iot.Protocol.Sites.Threshold> { ["burntOutCurrentA"] = device.Thresholds!["burntOutCurrentA"], ["x"] = new(Above: 1, ClearBelow: 0) } }],
        };
        Assert.Equal(ConfigHash.Of(sorted), ConfigHash.Of(reordered));
        Assert.NotEqual(ConfigHash.Of(a), ConfigHash.Of(sorted));
        Assert.Matches("^[0-9a-f]{64}$", ConfigHash.Of(a));
    }
}

public class UtcTimestampTests
{
    [Theory]
    [InlineData("2026-11-29T13:05:09Z", "2026-11-29T13:05:09.000Z")]
    [InlineData("2026-11-29T13:05:09.1Z", "2026-11-29T13:05:09.100Z")]
    [InlineData("2026-11-29T13:05:09.123Z", "2026-11-29T13:05:09.123Z")]
    [InlineData("2026-11-29T13:05:09.1234567Z", "2026-11-29T13:05:09.123Z")]
    [InlineData("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z")]
    public void Utc_times_with_any_fraction_parse(string text, string wire)
    {
        Assert.True(UtcTimestampConverter.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.Equal(wire, UtcTimestampConverter.ToWire(value));
    }

    [Theory]
    [InlineData("2026-11-29T21:05:09+08:00")]
    [InlineData("2026-11-29 13:05:09Z")]
    [InlineData("2026-11-29T13:05:09.Z")]
    [InlineData("2026-11-29T13:05:09.12345678Z")]
    [InlineData("2025-02-29T13:05:09Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-29T24:00:00Z")]
    [InlineData("2026-11-29T13:60:00Z")]
    [InlineData("２０２６-11-29T13:05:09Z")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_an_iso_utc_time_is_refused(string? text) =>
        Assert.False(UtcTimestampConverter.TryParse(text, out _, out _));
}
