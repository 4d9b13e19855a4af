using System.Text.Json;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;

namespace Iot.Protocol.Validation;

/// <summary>
/// Reads and validates messages from untrusted bytes. Every problem is reported with its JSON path and a
/// reason; nothing here throws, whatever the input. Unknown properties are ignored, so that newer minor
/// versions can add optional fields; unknown major versions, duplicate properties, payloads over
/// <see cref="MessageLimits.MaxPayloadBytes"/> and nesting deeper than <see cref="MessageLimits.MaxDepth"/> are refused.
/// </summary>
public static class MessageReader
{
    /// <summary>The longest a <c>switchLamp</c> may hold a lamp against its schedule: a day.</summary>
    public const int MaxSwitchMinutes = 24 * 60;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = MessageLimits.MaxDepth,
        AllowDuplicateProperties = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Reads any message an agent publishes, as its topic's channel says, and checks the agent matches the topic.</summary>
    /// <param name="topic">The parsed topic the message arrived on.</param>
    /// <param name="payload">The raw payload.</param>
    /// <param name="now">The reader's clock, for the future-time check.</param>
    public static ReadResult<IUplinkMessage> ReadUplink(AgentTopic topic, ReadOnlyMemory<byte> payload, DateTimeOffset now)
    {
        ReadResult<IUplinkMessage> Up<T>(ReadResult<T> r)
            where T : class, IUplinkMessage
        {
            var problems = r.Problems.ToList();
            if (r.Message is { } m && m.Agent != topic.Agent)
            {
                problems.Add(new Problem("$.agent", $"agent '{m.Agent}' does not match the topic's agent '{topic.Agent}'"));
            }

            return new ReadResult<IUplinkMessage>(problems.Count == 0 ? r.Message : null, problems);
        }

        return topic.Channel switch
        {
            Channel.Telemetry => Up(ReadTelemetry(payload, now)),
            Channel.Events => Up(ReadEvent(payload, now)),
            Channel.Status => Up(ReadStatus(payload, now)),
            Channel.Results => Up(ReadCommandResult(payload, now)),
            _ => new ReadResult<IUplinkMessage>(null, [new Problem("$", $"'{WireNames.Of(topic.Channel)}' is not a channel agents publish on")]),
        };
    }

    /// <summary>Reads a <see cref="TelemetryBatch"/>.</summary>
    public static ReadResult<TelemetryBatch> ReadTelemetry(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var head = Header(root, f);
            var readings = f.Array(root, "$", "readings", required: true, 1, MessageLimits.MaxReadingsPerBatch, (e, path) => ReadReading(e, path, f));
            var clock = root.TryGetProperty("clock", out var c) && c.ValueKind != JsonValueKind.Null ? ReadSyncedClock(c, "$.clock", f) : null;
            return head is { } h && readings is not null ? new TelemetryBatch(h.V, h.Agent, h.Boot, h.Seq, readings, clock) : null;
        });

    /// <summary>Reads a <see cref="DeviceEvent"/>.</summary>
    public static ReadResult<DeviceEvent> ReadEvent(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var head = Header(root, f);
            var kind = f.Enum<EventKind>(root, "$", "kind", required: true);
            var device = f.Id<DeviceId>(root, "$", "device", required: true);
            var (at, bootMs) = f.When(root, "$");
            var outlet = f.Integer(root, "$", "outlet", required: false, 1, 16);
            var value = f.Number(root, "$", "value", required: false);
            var reason = f.Text(root, "$", "reason", required: false);
            return head is { } h && kind is { } k && device is { } d && (at is not null || bootMs is not null)
                ? new DeviceEvent(h.V, h.Agent, h.Boot, h.Seq, k, d, at, bootMs, (int?)outlet, value, reason)
                : null;
        });

    /// <summary>Reads an <see cref="AgentStatus"/>.</summary>
    public static ReadResult<AgentStatus> ReadStatus(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var head = Header(root, f);
            var state = f.Enum<Presence>(root, "$", "state", required: true);
            var version = f.Text(root, "$", "agentVersion", required: true, maxLength: 64);
            var synced = f.Bool(root, "$", "clockSynced", required: true);
            var bootMs = f.Integer(root, "$", "bootMs", required: true, 0, MessageLimits.MaxBootMs);
            var at = f.Time(root, "$", "at", required: synced == true);
            var hash = f.Text(root, "$", "configHash", required: false, maxLength: 128);
            var rejected = root.TryGetProperty("rejectedConfig", out var r) && r.ValueKind != JsonValueKind.Null ? ReadRejection(r, "$.rejectedConfig", f) : null;
            var health = root.TryGetProperty("health", out var hp) && hp.ValueKind != JsonValueKind.Null ? ReadHealth(hp, "$.health", f) : null;
            var reason = f.Enum<OfflineReason>(root, "$", "reason", required: false);
            return head is { } h && state is { } s && version is not null && synced is { } c && bootMs is { } b
                ? new AgentStatus(h.V, h.Agent, h.Boot, h.Seq, s, version, c, b, at, hash, rejected, health, reason)
                : null;
        });

    /// <summary>Reads a <see cref="CommandResult"/>.</summary>
    public static ReadResult<CommandResult> ReadCommandResult(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var head = Header(root, f);
            var command = f.Id<CommandId>(root, "$", "command", required: true);
            var ok = f.Bool(root, "$", "ok", required: true);
            var error = f.Text(root, "$", "error", required: ok == false);
            var (at, bootMs) = f.When(root, "$");
            return head is { } h && command is { } c && ok is { } o && (at is not null || bootMs is not null)
                ? new CommandResult(h.V, h.Agent, h.Boot, h.Seq, c, o, error, at, bootMs)
                : null;
        });

    /// <summary>Reads a <see cref="Command"/> (on the agent).</summary>
    public static ReadResult<Command> ReadCommand(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var v = f.Version(root, "$");
            var id = f.Id<CommandId>(root, "$", "id", required: true);
            var agent = f.Id<AgentId>(root, "$", "agent", required: true);
            var kind = f.Enum<CommandKind>(root, "$", "kind", required: true);
            var issuedAt = f.Time(root, "$", "issuedAt", required: true);
            var device = f.Id<DeviceId>(root, "$", "device", required: kind is CommandKind.ResetOutlet or CommandKind.SwitchLamp);
            var outlet = f.Integer(root, "$", "outlet", required: kind == CommandKind.ResetOutlet, 1, 16);
            var on = f.Bool(root, "$", "on", required: kind == CommandKind.SwitchLamp);
            var person = f.Text(root, "$", "person", required: kind == CommandKind.ResetOutlet, maxLength: 100);
            var reason = f.Text(root, "$", "reason", required: kind == CommandKind.ResetOutlet);
            var forMinutes = f.Integer(root, "$", "forMinutes", required: false, 1, MaxSwitchMinutes);
            if (kind == CommandKind.ResetOutlet)
            {
                if (person is not null && string.IsNullOrWhiteSpace(person))
                {
                    f.Add("$.person", "a reset must name the person who made it");
                }

                if (reason is not null && string.IsNullOrWhiteSpace(reason))
                {
                    f.Add("$.reason", "a reset must give a reason");
                }
            }

            return v is { } ver && id is { } i && agent is { } a && kind is { } k && issuedAt is { } t
                ? new Command(ver, i, a, k, t, device, (int?)outlet, on, person, reason, (int?)forMinutes)
                : null;
        });

    /// <summary>
    /// Reads a <see cref="DesiredConfig"/> (on the agent): the envelope, the manifest slice with every problem
    /// <see cref="SiteValidator.ValidateAgent"/> finds, and the hash, which must match the content.
    /// </summary>
    public static ReadResult<DesiredConfig> ReadDesiredConfig(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var v = f.Version(root, "$");
            var agent = f.Id<AgentId>(root, "$", "agent", required: true);
            var hash = f.Text(root, "$", "hash", required: true, maxLength: 128);
            var issuedAt = f.Time(root, "$", "issuedAt", required: true);
            AgentManifest? config = null;
            if (!root.TryGetProperty("config", out var c) || c.ValueKind != JsonValueKind.Object)
            {
                f.Add("$.config", "is required and must be an object");
            }
            else
            {
                try
                {
                    config = c.Deserialize(ProtocolJsonContext.Default.AgentManifest);
                }
                catch (JsonException e)
                {
                    f.Add("$.config" + (e.Path?.TrimStart('$') ?? string.Empty), e.Message.Split(" Path: ")[0]);
                }
            }

            var configProblems = config is null ? [] : SiteValidator.ValidateAgent("config", "$.config", config);
            foreach (var p in configProblems)
            {
                f.Add(p.Path, p.Reason);
            }

            if (config is not null && configProblems.Count == 0)
            {
                if (agent is { } a && config.Id != a)
                {
                    f.Add("$.config.id", $"config is for agent '{config.Id}' but addressed to '{a}'");
                }

                if (hash is not null && hash != ConfigHash.Of(config))
                {
                    f.Add("$.hash", "does not match the config's content");
                }
            }

            return v is { } ver && agent is { } ag && hash is not null && issuedAt is { } t && config is not null
                ? new DesiredConfig(ver, ag, hash, t, config)
                : null;
        });

    /// <summary>Reads a <see cref="StoredWatermark"/> (on the agent): at most <see cref="StoredWatermark.MaxBoots"/> boots, each once.</summary>
    public static ReadResult<StoredWatermark> ReadStored(ReadOnlyMemory<byte> payload, DateTimeOffset now) =>
        Read(payload, now, static (root, f) =>
        {
            var v = f.Version(root, "$");
            var agent = f.Id<AgentId>(root, "$", "agent", required: true);
            var boots = f.Array(root, "$", "boots", required: true, 0, StoredWatermark.MaxBoots, (e, path) =>
            {
                if (!f.IsObject(e, path))
                {
                    return null;
                }

                var boot = f.Id<BootId>(e, path, "boot", required: true);
                var stored = f.Integer(e, path, "stored", required: true, 0, MessageLimits.MaxSeq);
                var closed = f.Bool(e, path, "closed", required: false);
                return boot is { } b && stored is { } n ? new BootWatermark(b, n, closed) : null;
            });
            if (boots is not null)
            {
                foreach (var twice in boots.GroupBy(b => b.Boot).Where(g => g.Count() > 1))
                {
                    f.Add("$.boots", $"boot '{twice.Key}' appears {twice.Count()} times");
                }
            }

            return v is { } ver && agent is { } a && boots is not null && f.Problems.Count == 0
                ? new StoredWatermark(ver, a, boots)
                : null;
        });

    private static ReadResult<T> Read<T>(ReadOnlyMemory<byte> payload, DateTimeOffset now, Func<JsonElement, FieldReader, T?> read)
        where T : class
    {
        var f = new FieldReader(now);
        if (payload.Length > MessageLimits.MaxPayloadBytes)
        {
            f.Add("$", $"payload is {payload.Length} bytes; at most {MessageLimits.MaxPayloadBytes} are accepted");
            return ReadResult<T>.From(null, f.Problems);
        }

        if (payload.IsEmpty)
        {
            f.Add("$", "payload is empty");
            return ReadResult<T>.From(null, f.Problems);
        }

        // JsonDocument checks UTF-8 lazily, when a string is read; check it once, up front.
        if (!System.Text.Unicode.Utf8.IsValid(payload.Span))
        {
            f.Add("$", "payload is not valid UTF-8");
            return ReadResult<T>.From(null, f.Problems);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (JsonException e)
        {
            f.Add("$", $"not valid JSON: {e.Message}");
            return ReadResult<T>.From(null, f.Problems);
        }

        using (document)
        {
            var root = document.RootElement;
            var message = f.IsObject(root, "$") ? read(root, f) : null;
            return ReadResult<T>.From(message, f.Problems);
        }
    }

    private static (ProtocolVersion V, AgentId Agent, BootId Boot, long Seq)? Header(JsonElement root, FieldReader f)
    {
        var v = f.Version(root, "$");
        var agent = f.Id<AgentId>(root, "$", "agent", required: true);
        var boot = f.Id<BootId>(root, "$", "boot", required: true);
        var seq = f.Integer(root, "$", "seq", required: true, 1, MessageLimits.MaxSeq);
        return v is { } ver && agent is { } a && boot is { } b && seq is { } s ? (ver, a, b, s) : null;
    }

    private static Reading? ReadReading(JsonElement e, string path, FieldReader f)
    {
        if (!f.IsObject(e, path))
        {
            return null;
        }

        var sensor = f.Id<SensorId>(e, path, "sensor", required: true);
        var quantity = f.Enum<Quantity>(e, path, "quantity", required: true);
        var unit = f.Text(e, path, "unit", required: true, maxLength: 16);
        var value = f.Number(e, path, "value", required: true);
        var (at, bootMs) = f.When(e, path);
        if (quantity is { } q)
        {
            if (unit is not null && unit != Quantities.UnitOf(q))
            {
                f.Add($"{path}.unit", $"unknown unit '{IdentifierRules.Shorten(unit)}' for {WireNames.Of(q)}; use '{Quantities.UnitOf(q)}'");
            }

            if (value is { } v && Quantities.ValueProblem(q, v) is { } problem)
            {
                f.Add($"{path}.value", problem);
            }
        }

        return sensor is { } s && quantity is { } qq && value is { } vv && (at is not null || bootMs is not null)
            ? new Reading(s, qq, vv, at, bootMs)
            : null;
    }

    private static ConfigRejection? ReadRejection(JsonElement e, string path, FieldReader f)
    {
        if (!f.IsObject(e, path))
        {
            return null;
        }

        var hash = f.Text(e, path, "hash", required: true, maxLength: 128);
        var reasons = f.Array(e, path, "reasons", required: true, 0, 100, (x, p) =>
        {
            if (x.ValueKind == JsonValueKind.String && x.GetString() is { Length: <= MessageLimits.MaxTextLength } s)
            {
                return s;
            }

            f.Add(p, $"must be a string of at most {MessageLimits.MaxTextLength} characters");
            return null;
        });
        return hash is not null && reasons is not null ? new ConfigRejection(hash, reasons) : null;
    }

    private static SyncedClock? ReadSyncedClock(JsonElement e, string path, FieldReader f)
    {
        if (!f.IsObject(e, path))
        {
            return null;
        }

        var bootMs = f.Integer(e, path, "bootMs", required: true, 0, MessageLimits.MaxBootMs);
        var at = f.Time(e, path, "at", required: true);
        if (bootMs is { } b && at is { } a && a.AddMilliseconds(-b) < MessageLimits.EarliestTime)
        {
            f.Add(path, $"places its boot at {a.AddMilliseconds(-b):O}, before 2020: 'bootMs' or 'at' is wrong");
            return null;
        }

        return bootMs is { } ms && at is { } t ? new SyncedClock(ms, t) : null;
    }

    private static AgentHealth? ReadHealth(JsonElement e, string path, FieldReader f)
    {
        if (!f.IsObject(e, path))
        {
            return null;
        }

        var depth = f.Integer(e, path, "outboxDepth", required: true, 0, long.MaxValue);
        var bytes = f.Integer(e, path, "outboxBytes", required: true, 0, long.MaxValue);
        var dropped = f.Integer(e, path, "outboxDropped", required: true, 0, long.MaxValue);
        var corrupted = f.Integer(e, path, "outboxCorrupted", required: true, 0, long.MaxValue);
        var disk = f.Integer(e, path, "diskFreeBytes", required: false, 0, long.MaxValue);
        var cpu = f.Number(e, path, "cpuTemperatureC", required: false);
        if (cpu is { } c && Quantities.ValueProblem(Quantity.Temperature, c) is { } problem)
        {
            f.Add($"{path}.cpuTemperatureC", problem);
        }

        var calibrations = f.Array(e, path, "ctCalibrations", required: false, 0, MaxCalibrations, (x, p) => ReadCalibration(x, p, f));
        var floors = f.Array(e, path, "outboxFloors", required: false, 0, StoredWatermark.MaxBoots, (x, p) =>
        {
            if (!f.IsObject(x, p))
            {
                return null;
            }

            var boot = f.Id<BootId>(x, p, "boot", required: true);
            var seq = f.Integer(x, p, "seq", required: true, 1, MessageLimits.MaxSeq);
            return boot is { } bt && seq is { } n ? new OutboxFloor(bt, n) : null;
        });
        return depth is { } d && bytes is { } b && dropped is { } x && corrupted is { } k ? new AgentHealth(d, b, x, k, disk, cpu, calibrations, floors) : null;
    }

    // A station has at most 16 outlets and a lamp circuit or two: 64 inputs is four ADS1115s per bus, twice over.
    private const int MaxCalibrations = 64;

    private static CtCalibrationReport? ReadCalibration(JsonElement e, string path, FieldReader f)
    {
        if (!f.IsObject(e, path))
        {
            return null;
        }

        var input = f.Text(e, path, "input", required: true, maxLength: 32);
        var zero = f.Number(e, path, "zeroA", required: true);
        var factor = f.Number(e, path, "factor", required: true);
        var at = f.Time(e, path, "at", required: false);
        if (zero is < 0 or > 1)
        {
            f.Add($"{path}.zeroA", $"{zero} is outside 0 … 1 A");
        }

        if (factor is < 0.5 or > 2)
        {
            f.Add($"{path}.factor", $"{factor} is outside 0.5 … 2");
        }

        return input is not null && zero is { } z && factor is { } k ? new CtCalibrationReport(input, z, k, at) : null;
    }
}
