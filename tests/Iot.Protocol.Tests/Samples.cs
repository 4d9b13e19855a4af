using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Protocol.Tests;

/// <summary>Valid messages of every type, for round trips and as the base of mutations.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 13, 5, 9, 123, TimeSpan.Zero);

    public static readonly AgentId Agent = AgentId.Parse("yikang-12-a");

    public static readonly BootId Boot = BootId.Parse("5f0c2a9e41d7b3c8");

    public static TelemetryBatch Telemetry(long seq = 42) => new(
        ProtocolVersion.Current,
        Agent,
        Boot,
        seq,
        [
            new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.42, At: Now.AddSeconds(-2)),
            new Reading(SensorId.Parse("lamp-01.light"), Quantity.Illuminance, 3.5, At: Now.AddSeconds(-2)),
            new Reading(SensorId.Parse("drain-01.level"), Quantity.WaterLevel, 12.4, BootMs: 360_512),
            new Reading(SensorId.Parse("gate-01.contact"), Quantity.Contact, 1, At: Now),
        ]);

    public static DeviceEvent Event() => new(
        ProtocolVersion.Current, Agent, Boot, 43, EventKind.ChargerCutOff, DeviceId.Parse("charger-01"),
        At: Now, Outlet: 2, Value: 71.5, Reason: "overTemperature");

    public static AgentStatus Status() => new(
        ProtocolVersion.Current, Agent, Boot, 7, Presence.Online, "1.0.0", ClockSynced: true, BootMs: 3_600_000, At: Now,
        ConfigHash: new string('a', 64),
        RejectedConfig: new ConfigRejection(new string('b', 64), ["$.config.devices[0].parts[0].pin: GPIO 99 is not on the Raspberry Pi header"]),
        Health: new AgentHealth(120, 65_536, 0, 0, 1_000_000_000, 48.2));

    public static StoredWatermark Stored() => new(ProtocolVersion.Current, Agent,
        [new BootWatermark(Boot, 1045), new BootWatermark(BootId.Parse("c3d2e1f0a9b8c7d6"), 310, Closed: true)]);

    public static AgentStatus Will() => new(
        ProtocolVersion.Current, Agent, Boot, 1, Presence.Offline, "1.0.0", ClockSynced: false, BootMs: 1_200, Reason: OfflineReason.ConnectionLost);

    public static Command Reset() => new(
        ProtocolVersion.Current, CommandId.Parse("8c1f0e6c2b2d4a4e9f1a0b3c5d7e9f10"), Agent, CommandKind.ResetOutlet, Now,
        Device: DeviceId.Parse("charger-01"), Outlet: 2, Person: "李师傅", Reason: "电池已移走，插座检查正常");

    public static CommandResult Result() => new(
        ProtocolVersion.Current, Agent, Boot, 44, CommandId.Parse("8c1f0e6c2b2d4a4e9f1a0b3c5d7e9f10"), Ok: true, At: Now);

    public static AgentManifest AgentConfig() => new(
        Agent,
        [
            new DeviceManifest(
                DeviceId.Parse("lamp-01"), DeviceKind.Streetlight, "1栋楼道口路灯",
                [
                    new PartManifest("current", "ina219", Bus: 1, Address: "0x40", ShuntOhms: 0.1, MaxCurrentA: 2),
                    new PartManifest("light", "bh1750", Bus: 1, Address: "0x23"),
                    new PartManifest("relay", "gpio-relay", Pin: 17, ActiveLow: true),
                ],
                new Dictionary<string, Threshold> { ["burntOutCurrentA"] = new(Below: 0.05, ClearAbove: 0.1, ForSeconds: 10) },
                new PlanPoint(10, 20)),
        ],
        SampleSeconds: 5);

    public static DesiredConfig Config()
    {
        var config = AgentConfig();
        return new DesiredConfig(ProtocolVersion.Current, Agent, ConfigHash.Of(config), Now, config);
    }
}
