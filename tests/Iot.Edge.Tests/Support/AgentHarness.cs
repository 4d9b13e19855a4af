using Iot.Edge.Agent;
using Iot.Edge.Config;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Simulation;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Iot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Support;

/// <summary>
/// An agent over a scripted simulated courtyard on a fake clock: the test sets the physical world, advances
/// time in small steps (each step runs the agent's tick), and reads what the agent wrote to its outbox.
/// </summary>
public sealed class AgentHarness : IDisposable
{
    // 2026-11-29 21:00 in Kunming (UTC+8): evening, lamps on.
    public static readonly DateTimeOffset Evening = new(2026, 11, 29, 13, 0, 0, TimeSpan.Zero);
    private readonly List<OutboxRecord> _taken = [];

    /// <param name="beforeStart">Changes the simulated hardware before the agent opens it (a part broken at start).</param>
    public AgentHarness(AgentManifest? manifest = null, DateTimeOffset? start = null, string? folder = null, SafetyOptions? safety = null, ClockMode clock = ClockMode.WallClock, bool scripted = true, OutboxOptions? outbox = null, Action<CourtyardModel>? beforeStart = null, ScenarioOptions? scenario = null, Func<AgentManifest, DemoScenario>? demo = null)
    {
        Folder = folder ?? Directory.CreateTempSubdirectory("iot-agent-").FullName;
        OwnsFolder = folder is null;
        Time = new NtpTime(start ?? Evening);
        Manifest = manifest ?? TestCourtyard.Manifest();
        Safety = safety ?? new SafetyOptions();
        Model = new CourtyardModel(Manifest, new Weather(25.031, 102.676, 7), scenario ?? new ScenarioOptions { Scripted = scripted }, demo?.Invoke(Manifest));
        Outbox = DiskOutbox.Open(Path.Combine(Folder, "outbox"), outbox ?? WithoutCloud(), NullLogger.Instance);
        Identity = new AgentIdentity(SiteId.Parse("yongchang"), CourtyardId.Parse("test-1"), Manifest.Id, new GeoPoint(25.031, 102.676));
        beforeStart?.Invoke(Model);
        var agentClock = new AgentClock(Time, clock);
        Runtime = new AgentRuntime(Identity, Manifest, Model.Board, Model, Outbox, agentClock,
            new EdgeOptions { Site = "unused" }, Safety, new LatchStore(Folder), new ControlTrust(Trusted, Manifest.Id, agentClock, Folder), NullLogger.Instance);
    }

    /// <summary>
    /// Outbox settings for an agent with no cloud behind its broker: no stored watermark ever comes, so the broker's PUBACK
    /// releases records. The watermark itself is tested in <c>Outbox/WatermarkTests</c> and <c>Uplink/WatermarkUplinkTests</c>.
    /// </summary>
    public static OutboxOptions WithoutCloud(long maxBytes = 256L * 1024 * 1024, long segmentBytes = 4L * 1024 * 1024, double replayRecordsPerSecond = 50) =>
        new() { KeepUntilStored = false, MaxBytes = maxBytes, SegmentBytes = segmentBytes, ReplayRecordsPerSecond = replayRecordsPerSecond };

    public string Folder { get; }

    /// <summary>The keys the agent believes: the tests' stand-in for the cloud's (<see cref="TestSigning"/>).</summary>
    public Protocol.Signing.TrustedKeys Trusted { get; } = TestSigning.Trusted();

    public bool OwnsFolder { get; }

    public NtpTime Time { get; }

    public AgentManifest Manifest { get; }

    public SafetyOptions Safety { get; }

    public CourtyardModel Model { get; }

    public DiskOutbox Outbox { get; }

    public AgentIdentity Identity { get; }

    public AgentRuntime Runtime { get; }

    /// <summary>Advances the fake clock in steps of <paramref name="step"/> (default 100 ms), ticking the agent and its safety check after each.</summary>
    public void Run(TimeSpan duration, TimeSpan? step = null)
    {
        var size = step ?? TimeSpan.FromMilliseconds(100);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += size)
        {
            Time.Advance(size);
            Runtime.Tick();
            Runtime.Supervise();
        }
    }

    /// <summary>Runs until <paramref name="condition"/> holds, at most <paramref name="limit"/>; returns the time it took.</summary>
    public TimeSpan RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan? step = null)
    {
        var size = step ?? TimeSpan.FromMilliseconds(50);
        var start = Time.GetUtcNow();
        while (!condition())
        {
            if (Time.GetUtcNow() - start > limit)
            {
                throw new TimeoutException($"condition not met within {limit}");
            }

            Time.Advance(size);
            Runtime.Tick();
            Runtime.Supervise();
        }

        return Time.GetUtcNow() - start;
    }

    /// <summary>Everything written to the outbox so far (taken and acknowledged, as a broker would).</summary>
    public IReadOnlyList<OutboxRecord> Records()
    {
        while (Outbox.TakeBatch(100, includeTelemetry: true) is { } batch)
        {
            _taken.AddRange(batch.Records);
            Outbox.Acknowledge(batch, batch.Records.Count);
        }

        return _taken;
    }

    public IReadOnlyList<DeviceEvent> Events() =>
        Records().Where(r => r.Channel == Channel.Events && r.Payload[0] == (byte)'{').Select(r => ProtocolJson.DeserializeTrusted<DeviceEvent>(r.Payload)!).ToList();

    public IReadOnlyList<DeviceEvent> Events(EventKind kind, string? device = null) =>
        Events().Where(e => e.Kind == kind && (device is null || e.Device.Value == device)).ToList();

    public IReadOnlyList<TelemetryBatch> Batches() =>
        Records().Where(r => r.Channel == Channel.Telemetry).Select(r => ProtocolJson.DeserializeTrusted<TelemetryBatch>(r.Payload)!).ToList();

    public IReadOnlyList<Reading> Readings(string sensor) =>
        Batches().SelectMany(b => b.Readings).Where(r => r.Sensor.Value == sensor).ToList();

    public double Last(string sensor) => Readings(sensor)[^1].Value;

    public IReadOnlyList<CommandResult> Results() =>
        Records().Where(r => r.Channel == Channel.Results).Select(r => ProtocolJson.DeserializeTrusted<CommandResult>(r.Payload)!).ToList();

    public Command Command(CommandKind kind, string? device = null, int? outlet = null, bool? on = null, string? person = null, string? reason = null) =>
        new(ProtocolVersion.Current, CommandId.Parse($"c{Guid.NewGuid():N}"), Identity.Agent, kind, Time.GetUtcNow(), device is null ? null : DeviceId.Parse(device), outlet, on, person, reason);

    public void Dispose()
    {
        Runtime.Dispose();
        Trusted.Dispose();
        Outbox.Dispose();
        Model.Board.Dispose();
        if (OwnsFolder)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
