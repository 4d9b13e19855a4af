using Iot.Edge.Agent;
using Iot.Edge.Config;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Uplink;
using Iot.Testing;

namespace Iot.Edge.Tests.Config;

public sealed class SettingsTests
{
    [Fact]
    public void The_fleet_command_line_becomes_configuration_keys()
    {
        var settings = VerbArguments.Parse(["sites/yongchang", "--simulate", "--broker", "10.0.0.5:1884", "--agents", "20", "--data", "/tmp/fleet"], out var problem);
        Assert.Null(problem);
        Assert.Equal("sites/yongchang", settings!["Edge:Site"]);
        Assert.Equal("true", settings["Edge:Simulate"]);
        Assert.Equal("10.0.0.5:1884", settings["Mqtt:Broker"]);
        Assert.Equal("20", settings["Edge:Agents"]);
        Assert.Equal("/tmp/fleet", settings["Edge:DataFolder"]);
    }

    [Theory]
    [InlineData("--brokr", "unknown argument '--brokr'")]
    [InlineData("--agents", "--agents needs a value")]
    public void A_mistyped_argument_is_named(string arg, string expected)
    {
        Assert.Null(VerbArguments.Parse(["site", arg], out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void The_defaults_are_valid_for_the_sample_site()
    {
        Assert.True(new EdgeOptionsValidator().Validate(null, new EdgeOptions { Site = RepoPaths.SampleSite }).Succeeded);
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions()).Succeeded);
        Assert.True(new OutboxOptionsValidator().Validate(null, new OutboxOptions()).Succeeded);
        Assert.True(new SafetyOptionsValidator().Validate(null, new SafetyOptions()).Succeeded);
        Assert.Equal(("127.0.0.1", 1883), new MqttOptions().Endpoint());
        Assert.Equal(256L * 1024 * 1024, new OutboxOptions().MaxBytes);
    }

    [Fact]
    public void Every_wrong_setting_is_named_in_the_failure()
    {
        var edge = new EdgeOptionsValidator().Validate(null, new EdgeOptions { Site = "/nowhere", TickMilliseconds = 0, ReleaseStartupMemorySeconds = -1 });
        Assert.Contains("Edge:Site '/nowhere' is not a site folder", edge.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Edge:TickMilliseconds is 0", edge.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Edge:ReleaseStartupMemorySeconds is -1", edge.FailureMessage, StringComparison.Ordinal);

        var mqtt = new MqttOptionsValidator().Validate(null, new MqttOptions { Broker = "broker", Username = "yikang-1-a", CaFile = "/missing.pem" });
        Assert.Contains("Mqtt:Broker 'broker' is not host:port", mqtt.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Password is missing", mqtt.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Mqtt:CaFile '/missing.pem' does not exist", mqtt.FailureMessage, StringComparison.Ordinal);

        var safety = new SafetyOptionsValidator().Validate(null, new SafetyOptions { PollMilliseconds = 5000 });
        Assert.Contains("Safety:PollMilliseconds is 5000; it must be 50 to 1000 so that a cut-off comes within a second", safety.FailureMessage, StringComparison.Ordinal);

        var outbox = new OutboxOptionsValidator().Validate(null, new OutboxOptions { MaxBytes = 1000, ReplayRecordsPerSecond = 0 });
        Assert.Contains("Outbox:MaxBytes is 1000", outbox.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Outbox:ReplayRecordsPerSecond is 0", outbox.FailureMessage, StringComparison.Ordinal);
    }
}
