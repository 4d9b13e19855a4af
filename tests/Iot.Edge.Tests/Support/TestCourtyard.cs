using Iot.Protocol.Sites;

namespace Iot.Edge.Tests.Support;

/// <summary>One agent with every device kind and every driver the catalogue knows.</summary>
public static class TestCourtyard
{
    public const string Json = """
        {
          "id": "test-1-a",
          "sampleSeconds": 5,
          "devices": [
            { "id": "lamp-01", "kind": "streetlight", "name": "1栋楼道口路灯",
              "parts": [
                { "role": "current", "driver": "ina219", "bus": 1, "address": "0x40", "shuntOhms": 0.1, "maxCurrentA": 2 },
                { "role": "light", "driver": "bh1750", "bus": 1, "address": "0x23" },
                { "role": "relay", "driver": "gpio-relay", "pin": 5, "activeLow": true } ] },
            { "id": "gate-01", "kind": "gate", "name": "院大门",
              "parts": [
                { "role": "reed", "driver": "gpio-input", "pin": 16, "activeLow": true },
                { "role": "lock", "driver": "gpio-input", "pin": 17, "activeLow": true } ],
              "thresholds": { "heldOpen": { "forSeconds": 180 } } },
            { "id": "drain-01", "kind": "drain", "name": "院坝排水沟",
              "parts": [
                { "role": "level", "driver": "hcsr04", "triggerPin": 18, "echoPin": 19, "mountHeightCm": 80 },
                { "role": "float", "driver": "gpio-input", "pin": 20 } ],
              "thresholds": { "waterLevelCm": { "above": 25, "clearBelow": 15, "forSeconds": 30 } } },
            { "id": "drain-02", "kind": "drain", "name": "车棚排水井",
              "parts": [
                { "role": "level", "driver": "ads1115", "bus": 1, "address": "0x48", "channel": 1, "fullScaleKpa": 10 } ] },
            { "id": "charger-01", "kind": "charger", "name": "车棚电动车充电站",
              "parts": [
                { "role": "current", "driver": "ina219", "outlet": 1, "bus": 1, "address": "0x44", "shuntOhms": 0.05, "maxCurrentA": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 1, "pin": 21, "activeLow": true },
                { "role": "current", "driver": "ina219", "outlet": 2, "bus": 1, "address": "0x45", "shuntOhms": 0.05, "maxCurrentA": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 2, "pin": 22, "activeLow": true },
                { "role": "temperature", "driver": "ds18b20", "oneWireId": "28-0316a2794e01" },
                { "role": "smoke", "driver": "gpio-input", "pin": 27, "activeLow": true } ] },
            { "id": "charger-02", "kind": "charger", "name": "3栋充电站",
              "parts": [
                { "role": "current", "driver": "ina219", "outlet": 1, "bus": 1, "address": "0x46", "shuntOhms": 0.05, "maxCurrentA": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 1, "pin": 23, "activeLow": false },
                { "role": "temperature", "driver": "lm75", "bus": 1, "address": "0x49" },
                { "role": "smoke", "driver": "gpio-input", "pin": 24, "activeLow": false } ] }
          ]
        }
        """;

    /// <summary>The test courtyard with only the devices named, so each test reads and reports only what it is about.</summary>
    public static AgentManifest Only(params string[] devices)
    {
        var all = Manifest();
        return all with { Devices = all.Devices.Where(d => devices.Contains(d.Id.Value)).ToList() };
    }

    public static AgentManifest Manifest(string json = Json)
    {
        var (agent, problems) = SiteManifestReader.ReadAgent(new ManifestText("test", json));
        return agent ?? throw new InvalidOperationException(string.Join("; ", problems));
    }
}
