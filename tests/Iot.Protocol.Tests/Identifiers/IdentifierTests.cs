using Iot.Protocol.Identifiers;

namespace Iot.Protocol.Tests.Identifiers;

public class IdentifierTests
{
    [Theory]
    [InlineData("yikang-12")]
    [InlineData("a")]
    [InlineData("12")]
    [InlineData("yongxing-road-east-3")]
    public void Pinyin_slugs_are_accepted(string text)
    {
        Assert.True(CourtyardId.TryParse(text, out var id, out var problem), problem);
        Assert.Equal(text, id.Value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Yikang", "'Y' at position 0")]
    [InlineData("yi kang", "' ' at position 2")]
    [InlineData("-yikang", "'-' at position 0")]
    [InlineData("yikang-", "'-' at position 6")]
    [InlineData("yi--kang", "'-' at position 3")]
    [InlineData("益康路", "'益' at position 0")]
    [InlineData("yikang/12", "'/' at position 6")]
    [InlineData("yikang+", "'+' at position 6")]
    public void Bad_slugs_are_refused_with_the_reason(string text, string reason)
    {
        Assert.False(AgentId.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_id_is_refused()
    {
        Assert.False(SiteId.TryParse(new string('a', IdentifierRules.MaxLength + 1), out _, out var problem));
        Assert.Contains("at most 48", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_refused_without_an_exception() => Assert.False(DeviceId.TryParse(null, out _, out _));

    [Fact]
    public void Parse_throws_a_format_exception_naming_the_problem()
    {
        var e = Assert.Throws<FormatException>(() => BootId.Parse("NOT OK"));
        Assert.Contains("boot id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_with_equal_text_are_equal()
    {
        Assert.Equal(AgentId.Parse("yikang-12-a"), AgentId.Parse("yikang-12-a"));
        Assert.NotEqual(AgentId.Parse("yikang-12-a"), AgentId.Parse("yikang-12-b"));
    }

    [Fact]
    public void A_default_id_has_empty_text_rather_than_null() => Assert.Equal(string.Empty, default(AgentId).ToString());
}

public class SensorIdTests
{
    [Fact]
    public void A_sensor_id_names_its_device_and_signal()
    {
        var id = SensorId.Parse("charger-01.o2-current");
        Assert.Equal(DeviceId.Parse("charger-01"), id.Device);
        Assert.Equal("o2-current", id.Signal);
    }

    [Fact]
    public void Of_builds_the_same_id_as_parse() =>
        Assert.Equal(SensorId.Parse("lamp-01.current"), SensorId.Of(DeviceId.Parse("lamp-01"), "current"));

    [Theory]
    [InlineData("lamp-01", "must be '{device}.{signal}'")]
    [InlineData("Lamp.current", "sensor id: device id")]
    [InlineData("lamp-01.", "sensor id signal is empty")]
    [InlineData("lamp-01.cur.rent", "'.' at position 3")]
    public void Malformed_sensor_ids_are_refused(string text, string reason)
    {
        Assert.False(SensorId.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
