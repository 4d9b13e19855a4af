using Iot.Protocol.Sites;

namespace Iot.Edge.Tests.Support;

/// <summary>
/// A courtyard on 220 V: a four-outlet station with a current transformer per outlet (outlets 1-3 on the ADS1115 at
/// 0x49, inputs 0-2; outlet 4 on 0x4a input 0), a mains lamp on 0x4a input 1, and a 12 V solar lamp on an INA219.
/// </summary>
public static class AcCourtyard
{
    public const string Json = """
        {
          "id": "test-ac-a",
          "sampleSeconds": 5,
          "devices": [
            { "id": "lamp-01", "kind": "streetlight", "name": "1栋楼道口路灯 (220 V)",
              "parts": [
                { "role": "current", "driver": "ct-ads1115", "bus": 1, "address": "0x4a", "channel": 1, "ampsPerVolt": 5 },
                { "role": "relay", "driver": "gpio-relay", "pin": 5, "activeLow": true } ] },
            { "id": "lamp-02", "kind": "streetlight", "name": "院坝太阳能路灯 (12 V)",
              "parts": [
                { "role": "current", "driver": "ina219", "bus": 1, "address": "0x40", "shuntOhms": 0.1, "maxCurrentA": 2 },
                { "role": "relay", "driver": "gpio-relay", "pin": 6, "activeLow": true } ] },
            { "id": "charger-01", "kind": "charger", "name": "车棚电动车充电站",
              "parts": [
                { "role": "current", "driver": "ct-ads1115", "outlet": 1, "bus": 1, "address": "0x49", "channel": 0, "ampsPerVolt": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 1, "pin": 21, "activeLow": true },
                { "role": "current", "driver": "ct-ads1115", "outlet": 2, "bus": 1, "address": "0x49", "channel": 1, "ampsPerVolt": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 2, "pin": 22, "activeLow": true },
                { "role": "current", "driver": "ct-ads1115", "outlet": 3, "bus": 1, "address": "0x49", "channel": 2, "ampsPerVolt": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 3, "pin": 23, "activeLow": true },
                { "role": "current", "driver": "ct-ads1115", "outlet": 4, "bus": 1, "address": "0x4a", "channel": 0, "ampsPerVolt": 5 },
                { "role": "relay", "driver": "gpio-relay", "outlet": 4, "pin": 24, "activeLow": true },
                { "role": "temperature", "driver": "ds18b20", "oneWireId": "28-0316a2794e01" },
                { "role": "smoke", "driver": "gpio-input", "pin": 27, "activeLow": true } ] }
          ]
        }
        """;

    public static AgentManifest Manifest() => TestCourtyard.Manifest(Json);

    public static AgentManifest Only(params string[] devices)
    {
        var all = Manifest();
        return all with { Devices = all.Devices.Where(d => devices.Contains(d.Id.Value)).ToList() };
    }
}
