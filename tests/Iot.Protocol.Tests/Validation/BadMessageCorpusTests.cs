using System.Text;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;

namespace Iot.Protocol.Tests.Validation;

/// <summary>A corpus of bad messages, each refused with the path and reason a firmware author needs.</summary>
public class BadMessageCorpusTests
{
    private const string Head = """ "v": "1.0", "agent": "yikang-12-a", "boot": "5f0c2a9e41d7b3c8", "seq": 42 """;

    private const string LampReading = """{ "sensor": "lamp-01.current", "quantity": "current", "unit": "A", "value": 0.4, "at": "2026-11-29T13:00:00.000Z" }""";

    private static string Batch(string reading) => $$"""{ {{Head}}, "readings": [ {{reading}} ] }""";

    private static string Lamp(string replace) =>
        Batch(LampReading)
            .Replace(replace.Split('|')[0], replace.Split('|')[1], StringComparison.Ordinal);

    public static TheoryData<string, string, string, string> Corpus => new()
    {
        // channel, payload, expected path, expected reason fragment
        { "telemetry", "", "$", "payload is empty" },
        { "telemetry", "{", "$", "not valid JSON" },
        { "telemetry", "[1,2,3]", "$", "must be a JSON object" },
        { "telemetry", "\"hello\"", "$", "must be a JSON object" },
        { "telemetry", "{ \"v\": \"1.0\", \"v\": \"1.0\" }", "$", "not valid JSON" },
        { "telemetry", Lamp("\"v\": \"1.0\"|\"v\": \"2.0\""), "$.v", "unknown major protocol version 2" },
        { "telemetry", Lamp("\"v\": \"1.0\"|\"v\": 1"), "$.v", "must be a string" },
        { "telemetry", Lamp("\"v\": \"1.0\"|\"v\": \"one\""), "$.v", "major.minor" },
        { "telemetry", Lamp("\"agent\": \"yikang-12-a\"|\"agent\": \"Yikang 12\""), "$.agent", "agent id 'Yikang 12' has 'Y'" },
        { "telemetry", Lamp("\"boot\": \"5f0c2a9e41d7b3c8\", |"), "$.boot", "is required" },
        { "telemetry", Lamp("\"seq\": 42|\"seq\": 0"), "$.seq", "0 is out of range" },
        { "telemetry", Lamp("\"seq\": 42|\"seq\": -5"), "$.seq", "out of range" },
        { "telemetry", Lamp("\"seq\": 42|\"seq\": 9007199254740992"), "$.seq", "out of range" },
        { "telemetry", Lamp("\"seq\": 42|\"seq\": 4.5"), "$.seq", "must be a whole number" },
        { "telemetry", Lamp("\"seq\": 42|\"seq\": \"42\""), "$.seq", "must be a number, found the string \"42\"" },
        { "telemetry", Lamp("\"quantity\": \"current\"|\"quantity\": \"voltz\""), "$.readings[0].quantity", "unknown quantity 'voltz'" },
        { "telemetry", Lamp("\"unit\": \"A\"|\"unit\": \"mA\""), "$.readings[0].unit", "unknown unit 'mA' for current; use 'A'" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": \"NaN\""), "$.readings[0].value", "must be a number" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": NaN"), "$", "not valid JSON" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": 1e400"), "$.readings[0].value", "must be a finite number" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": 500"), "$.readings[0].value", "outside the physical range of current" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": null"), "$.readings[0].value", "is required" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"at\": \"1970-01-01T00:00:00.000Z\""), "$.readings[0].at", "before 2020" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"at\": \"2027-01-01T00:00:00.000Z\""), "$.readings[0].at", "more than 5 minutes in the future" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"at\": \"2026-11-29T21:00:00+08:00\""), "$.readings[0].at", "ISO 8601 UTC" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"at\": 1764421200"), "$.readings[0].at", "must be a string" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"bootMs\": -1"), "$.readings[0].bootMs", "out of range" },
        { "telemetry", Lamp(", \"at\": \"2026-11-29T13:00:00.000Z\"|"), "$.readings[0]", "needs a time" },
        { "telemetry", Lamp("\"at\": \"2026-11-29T13:00:00.000Z\"|\"at\": \"2026-11-29T13:00:00.000Z\", \"bootMs\": 5"), "$.readings[0]", "has both 'at' and 'bootMs'" },
        { "telemetry", Lamp("\"sensor\": \"lamp-01.current\"|\"sensor\": \"lamp-01\""), "$.readings[0].sensor", "{device}.{signal}" },
        { "telemetry", $$"""{ {{Head}}, "clock": { "bootMs": 5 }, "readings": [ {{LampReading}} ] }""", "$.clock.at", "is required" },
        { "telemetry", $$"""{ {{Head}}, "clock": { "at": "2026-11-29T13:00:00.000Z" }, "readings": [ {{LampReading}} ] }""", "$.clock.bootMs", "is required" },
        { "telemetry", $$"""{ {{Head}}, "clock": { "bootMs": -5, "at": "2026-11-29T13:00:00.000Z" }, "readings": [ {{LampReading}} ] }""", "$.clock.bootMs", "out of range" },
        { "telemetry", $$"""{ {{Head}}, "clock": { "bootMs": 5, "at": "2027-01-01T00:00:00.000Z" }, "readings": [ {{LampReading}} ] }""", "$.clock.at", "in the future" },
        { "telemetry", $$"""{ {{Head}}, "clock": { "bootMs": 315360000000, "at": "2026-11-29T13:00:00.000Z" }, "readings": [ {{LampReading}} ] }""", "$.clock", "before 2020" },
        { "telemetry", $$"""{ {{Head}}, "clock": "2026-11-29T13:00:00.000Z", "readings": [ {{LampReading}} ] }""", "$.clock", "must be a JSON object" },
        { "telemetry", Batch("42"), "$.readings[0]", "must be a JSON object, found the number 42" },
        { "telemetry", $$"""{ {{Head}}, "readings": [] }""", "$.readings", "has 0 items" },
        { "telemetry", $$"""{ {{Head}}, "readings": {} }""", "$.readings", "must be an array" },
        { "telemetry", Lamp("\"value\": 0.4|\"value\": 0.4, \"x\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]"), "$", "not valid JSON" },
        { "events", $$"""{ {{Head}}, "kind": "gateExploded", "device": "gate-01", "at": "2026-11-29T13:00:00.000Z" }""", "$.kind", "unknown event kind 'gateExploded'" },
        { "events", $$"""{ {{Head}}, "kind": "gateForced", "at": "2026-11-29T13:00:00.000Z" }""", "$.device", "is required" },
        { "events", $$"""{ {{Head}}, "kind": "chargerCutOff", "device": "charger-01", "outlet": 0, "at": "2026-11-29T13:00:00.000Z" }""", "$.outlet", "out of range" },
        { "events", $$"""{ {{Head}}, "kind": "chargerCutOff", "device": "charger-01", "reason": "{{new string('x', 501)}}", "at": "2026-11-29T13:00:00.000Z" }""", "$.reason", "at most 500" },
        { "status", $$"""{ {{Head}}, "state": "asleep", "agentVersion": "1.0.0", "clockSynced": false, "bootMs": 5 }""", "$.state", "unknown presence 'asleep'" },
        { "status", $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": true, "bootMs": 5 }""", "$.at", "is required" },
        { "status", $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": "yes", "bootMs": 5 }""", "$.clockSynced", "must be true or false" },
        { "status", $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": false, "bootMs": 5, "health": { "outboxDepth": -1, "outboxBytes": 0, "outboxDropped": 0, "outboxCorrupted": 0 } }""", "$.health.outboxDepth", "out of range" },
        { "status", $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": false, "bootMs": 5, "health": { "outboxDepth": 0, "outboxBytes": 0, "outboxDropped": 0, "outboxCorrupted": 0, "ctCalibrations": [ { "input": "1/0x48/0", "zeroA": 0.01, "factor": 3 } ] } }""", "$.health.ctCalibrations[0].factor", "outside 0.5" },
        { "status", $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": false, "bootMs": 5, "health": { "outboxDepth": 0, "outboxBytes": 0, "outboxDropped": 0, "outboxCorrupted": 0, "ctCalibrations": [ { "zeroA": 0.01, "factor": 1 } ] } }""", "$.health.ctCalibrations[0].input", "required" },
        { "results", $$"""{ {{Head}}, "command": "abc", "ok": false, "bootMs": 10 }""", "$.error", "is required" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Bad_message_is_refused_with_path_and_reason(string channel, string payload, string path, string reason)
    {
        Assert.True(WireNames.TryParse<Channel>(channel, out var ch));
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-12"), AgentId.Parse("yikang-12-a"), ch);
        var result = MessageReader.ReadUplink(topic, Encoding.UTF8.GetBytes(payload), Samples.Now);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_of_a_message_is_reported_at_once()
    {
        var payload = """
            { "v": "1.0", "agent": "Bad Agent", "boot": "5f0c2a9e41d7b3c8", "seq": 0,
              "readings": [
                { "sensor": "lamp-01.current", "quantity": "current", "unit": "V", "value": 0.4, "at": "2026-11-29T13:00:00.000Z" },
                { "sensor": "drain-01.level", "quantity": "waterLevel", "unit": "cm", "value": 99999, "at": "1999-01-01T00:00:00.000Z" },
                { "sensor": "gate-01.contact", "quantity": "contact", "unit": "bool", "value": 0.5, "bootMs": 10 }
              ] }
            """;
        var result = MessageReader.ReadTelemetry(Encoding.UTF8.GetBytes(payload), Samples.Now);

        Assert.Equal(
            [
                "$.agent",
                "$.readings[0].unit",
                "$.readings[1].at",
                "$.readings[1].value",
                "$.readings[2].value",
                "$.seq",
            ],
            result.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Oversized_payload_is_refused_before_parsing()
    {
        var payload = new byte[MessageLimits.MaxPayloadBytes + 1];
        var result = MessageReader.ReadTelemetry(payload, Samples.Now);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("$", problem.Path);
        Assert.Contains("262145 bytes; at most 262144", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_from_another_agent_than_the_topic_is_refused()
    {
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-12"), AgentId.Parse("yikang-13-a"), Channel.Telemetry);
        var result = MessageReader.ReadUplink(topic, Iot.Protocol.Json.ProtocolJson.Serialize(Samples.Telemetry()), Samples.Now);
        Assert.Contains(result.Problems, p => p.Path == "$.agent" && p.Reason.Contains("does not match the topic", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cloud_to_agent_channel_is_not_read_as_uplink()
    {
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-12"), AgentId.Parse("yikang-12-a"), Channel.Commands);
        var result = MessageReader.ReadUplink(topic, Iot.Protocol.Json.ProtocolJson.Serialize(Samples.Reset()), Samples.Now);
        Assert.Contains("not a channel agents publish on", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reset_without_a_reason_is_refused()
    {
        var reset = Samples.Reset() with { Reason = "  " };
        var result = MessageReader.ReadCommand(Iot.Protocol.Json.ProtocolJson.Serialize(reset), Samples.Now);
        Assert.Contains(result.Problems, p => p.Path == "$.reason" && p.Reason.Contains("must give a reason", StringComparison.Ordinal));

        var noPerson = Samples.Reset() with { Person = null };
        Assert.Contains(MessageReader.ReadCommand(Iot.Protocol.Json.ProtocolJson.Serialize(noPerson), Samples.Now).Problems, p => p.Path == "$.person");
    }

    public static TheoryData<string, string, string> BadWatermarks => new()
    {
        { """{ "v": "1.2", "agent": "yikang-12-a" }""", "$.boots", "is required" },
        { """{ "v": "1.2", "agent": "yikang-12-a", "boots": [ { "boot": "5f0c2a9e41d7b3c8", "stored": -1 } ] }""", "$.boots[0].stored", "out of range" },
        { """{ "v": "1.2", "agent": "yikang-12-a", "boots": [ { "stored": 3 } ] }""", "$.boots[0].boot", "is required" },
        { """{ "v": "1.2", "agent": "yikang-12-a", "boots": [ { "boot": "b1", "stored": 3 }, { "boot": "b1", "stored": 9 } ] }""", "$.boots", "boot 'b1' appears 2 times" },
        { $$"""{ "v": "1.2", "agent": "yikang-12-a", "boots": [ {{string.Join(", ", Enumerable.Range(1, 17).Select(i => $$"""{ "boot": "b{{i}}", "stored": 1 }"""))}} ] }""", "$.boots", "has 17 items; 0 to 16" },
        { """{ "v": "2.0", "agent": "yikang-12-a", "boots": [] }""", "$.v", "unknown major protocol version 2" },
    };

    [Theory]
    [MemberData(nameof(BadWatermarks))]
    public void A_bad_stored_watermark_is_refused_with_path_and_reason(string payload, string path, string reason)
    {
        var result = MessageReader.ReadStored(Encoding.UTF8.GetBytes(payload), Samples.Now);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_floor_in_a_status_must_name_a_boot_and_a_seq_of_at_least_one()
    {
        var payload = $$"""{ {{Head}}, "state": "online", "agentVersion": "1.0.0", "clockSynced": false, "bootMs": 5, "health": { "outboxDepth": 0, "outboxBytes": 0, "outboxDropped": 0, "outboxCorrupted": 0, "outboxFloors": [ { "boot": "5f0c2a9e41d7b3c8", "seq": 0 } ] } }""";
        var result = MessageReader.ReadStatus(Encoding.UTF8.GetBytes(payload), Samples.Now);
        Assert.Contains(result.Problems, p => p.Path == "$.health.outboxFloors[0].seq" && p.Reason.Contains("out of range", StringComparison.Ordinal));
    }

    [Fact]
    public void A_desired_config_whose_hash_does_not_match_is_refused()
    {
        var config = Samples.Config() with { Hash = new string('0', 64) };
        var result = MessageReader.ReadDesiredConfig(Iot.Protocol.Json.ProtocolJson.Serialize(config), Samples.Now);
        Assert.Contains(result.Problems, p => p.Path == "$.hash");
    }

    [Fact]
    public void A_desired_config_with_a_bad_manifest_lists_its_problems()
    {
        var good = Samples.AgentConfig();
        var bad = good with { Devices = [good.Devices[0] with { Parts = [.. good.Devices[0].Parts, new Iot.Protocol.Sites.PartManifest("light", "bh1750", Bus: 1, Address: "0x23")] }] };
        var config = new DesiredConfig(ProtocolVersion.Current, good.Id, ConfigHash.Of(bad), Samples.Now, bad);
        var result = MessageReader.ReadDesiredConfig(Iot.Protocol.Json.ProtocolJson.Serialize(config), Samples.Now);
        Assert.Contains(result.Problems, p => p.Path == "$.config.devices[0].parts[3].address" && p.Reason.Contains("already used", StringComparison.Ordinal));
    }
}
