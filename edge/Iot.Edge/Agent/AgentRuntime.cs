using Iot.Edge.Config;
using Iot.Edge.Hardware;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent;

/// <summary>
/// One agent without its network: devices on their drivers, the sampling and interlock cadence, the outbox,
/// commands and configuration. <see cref="Tick"/> does whatever is due; the uplink only carries what this
/// writes to the outbox, so nothing here waits for the broker.
/// </summary>
public sealed partial class AgentRuntime : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Board _board;
    private readonly EdgeOptions _options;
    private readonly SafetyOptions _safety;
    private readonly LatchStore _latches;
    private readonly ILogger _logger;
    private readonly Sink _sink;
    private readonly List<Reading> _pending = [];
    private List<CourtyardDevice> _devices = [];
    private Charger[] _guarded = [];
    private List<DeviceRetry> _retries = [];
    private TimeSpan _nextSample;
    private TimeSpan _nextPoll;
    private TimeSpan _nextHousekeeping;
    private TimeSpan? _lastDropReport;
    private bool _wasSynced;
    private bool _diskLow;

    /// <summary>Opens the agent's devices for <paramref name="manifest"/>.</summary>
    public AgentRuntime(AgentIdentity identity, AgentManifest manifest, Board board, CourtyardModel? model, DiskOutbox outbox, AgentClock clock,
        EdgeOptions options, SafetyOptions safety, LatchStore latches, ControlTrust trust, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Identity = identity;
        Trust = trust;
        _board = board;
        Model = model;
        Outbox = outbox;
        Clock = clock;
        outbox.StartBoot(clock.Boot); // what it writes now is released by the cloud's watermark for this boot
        _options = options;
        _safety = safety;
        _latches = latches;
        _logger = logger;
        _sink = new Sink(this);
        _wasSynced = clock.IsSynced;
        Manifest = manifest;
        ConfigHash = Protocol.Messages.ConfigHash.Of(manifest);
        model?.Advance(clock.Time.GetUtcNow());
        Use(Build(manifest, out var failures), failures);

        // Spread the fleet's samples over the period instead of sampling every agent at the same instant.
        var period = SamplePeriod;
        _nextSample = Monotonic + TimeSpan.FromTicks((long)(period.Ticks * Random.Shared.NextDouble()));
    }

    /// <summary>Who the agent is.</summary>
    public AgentIdentity Identity { get; }

    /// <summary>Who the agent believes: the keys that may sign its configs and commands, and what it has already taken.</summary>
    public ControlTrust Trust { get; }

    /// <summary>The simulated courtyard, when simulating.</summary>
    public CourtyardModel? Model { get; }

    /// <summary>The outbox.</summary>
    public DiskOutbox Outbox { get; }

    /// <summary>The agent's clock and boot.</summary>
    public AgentClock Clock { get; }

    /// <summary>The configuration in force.</summary>
    public AgentManifest Manifest { get; private set; }

    /// <summary>Its hash.</summary>
    public string ConfigHash { get; private set; }

    /// <summary>The last configuration refused, with reasons.</summary>
    public ConfigRejection? RejectedConfig { get; private set; }

    /// <summary>Raised when something the status reports has changed (config applied or refused, a status request).</summary>
    public event Action? StatusChanged;

    private string Name => Identity.Agent.Value;

    private TimeSpan Monotonic => Clock.Time.GetElapsedTime(0);

    private TimeSpan SamplePeriod => TimeSpan.FromSeconds(_options.SampleSeconds ?? Manifest.SampleSeconds);

    /// <summary>The device <paramref name="id"/>, if running.</summary>
    public CourtyardDevice? Device(string id)
    {
        lock (_gate)
        {
            return _devices.Find(d => d.Id.Value == id);
        }
    }

    /// <summary>When <see cref="Tick"/> last finished (<see cref="Environment.TickCount64"/>), for the systemd watchdog.</summary>
    public long LastTickMs { get; private set; } = Environment.TickCount64;

    /// <summary>Does what is due: physics (simulation), time checks, interlock polls, samples, housekeeping.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            LastTickMs = Environment.TickCount64;
            var now = Monotonic;
            Model?.Advance(Clock.Time.GetUtcNow());
            CheckClock();
            foreach (var device in _devices)
            {
                Guard(device, device.Tick);
            }

            RetryFailedDevices(now);
            if (now >= _nextPoll)
            {
                _nextPoll = now + TimeSpan.FromMilliseconds(_safety.PollMilliseconds);
                foreach (var charger in _devices.OfType<Charger>())
                {
                    Guard(charger, charger.Poll);
                }
            }

            if (now >= _nextSample)
            {
                _nextSample = Max(_nextSample + SamplePeriod, now);
                SampleAll();
            }

            if (now >= _nextHousekeeping)
            {
                _nextHousekeeping = now + TimeSpan.FromSeconds(1);
                Housekeeping(now);
            }
        }
    }

    /// <summary>
    /// Cuts charging outlets whose sensing has failed or gone stale. Runs on its own thread, often, and never waits for
    /// <see cref="Tick"/>: a sensor read that hangs holds up the tick, not this.
    /// </summary>
    public void Supervise()
    {
        foreach (var charger in Volatile.Read(ref _guarded))
        {
            Guard(charger, charger.Supervise);
        }
    }

    /// <summary>The agent's status now.</summary>
    public AgentStatus Status(long seq, Presence presence, OfflineReason? reason = null)
    {
        var stats = Outbox.Stats;
        var synced = Clock.IsSynced;
        var floors = Outbox.Floors();
        var health = new AgentHealth(stats.Depth, stats.Bytes, stats.Dropped, stats.Corrupted, DiskFree(), CpuTemperature(), Calibrations(),
            floors.Count > 0 ? floors : null);
        return new AgentStatus(ProtocolVersion.Current, Identity.Agent, Clock.Boot, seq, presence, AgentVersion.Current, synced, Clock.BootMs,
            synced ? Clock.Time.GetUtcNow() : null, ConfigHash, RejectedConfig, health, reason);
    }

    // What `iot-edge calibrate` measured and this agent applies, for the cloud's record (none: nothing is sent).
    private List<CtCalibrationReport>? Calibrations()
    {
        var entries = _board.Calibration.Entries;
        return entries.Count == 0 ? null
            : [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Take(64).Select(e => new CtCalibrationReport(e.Key, e.Value.ZeroA, e.Value.Factor, e.Value.At))];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            Dispose(_devices);
            Use([], []);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // Config events need a device id; they concern the agent, so they name its first device.
    private static DeviceId DeviceOf(AgentManifest manifest) => manifest.Devices.Count > 0 ? manifest.Devices[0].Id : DeviceId.Parse("agent");

    private static void Dispose(List<CourtyardDevice> devices)
    {
        foreach (var device in devices)
        {
            device.Dispose();
        }
    }

    // Opens the manifest's devices; those that fail, and those that opened but some of whose parts did not (a charger's
    // sensors), are listed with why.
    private List<CourtyardDevice> Build(AgentManifest manifest, out List<(DeviceManifest Device, string Reason)> failures)
    {
        failures = [];
        var devices = new List<CourtyardDevice>();
        foreach (var device in manifest.Devices)
        {
            if (Open(device, out var reason) is { } opened)
            {
                devices.Add(opened);
                failures.AddRange(opened.OpenProblems.Select(p => (device, p)));
            }
            else
            {
                failures.Add((device, reason!));
            }
        }

        return devices;
    }

    private CourtyardDevice? Open(DeviceManifest device, out string? reason)
    {
        var context = new DeviceContext(_board, Clock.Time, _sink, Identity.Location, () => Clock.IsSynced, _safety, _latches);
        try
        {
            reason = null;
            return DeviceFactory.Create(device, context);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            reason = e.Message;
            return null;
        }
    }

    // The devices in use; a device that could not be opened is tried again with backoff (a charger retries its own
    // sensors, keeping its outlets off meanwhile).
    private void Use(List<CourtyardDevice> devices, List<(DeviceManifest Device, string Reason)> failures)
    {
        _devices = devices;
        Volatile.Write(ref _guarded, devices.OfType<Charger>().ToArray());
        foreach (var (device, reason) in failures)
        {
            AgentLog.DeviceFailed(_logger, Name, device.Id.Value, reason);
        }

        var opened = devices.Select(d => d.Id).ToHashSet();
        _retries = failures.Where(f => !opened.Contains(f.Device.Id)).Select(f => new DeviceRetry(f.Device, Monotonic + DeviceRetry.First, DeviceRetry.First)).ToList();
    }

    private void RetryFailedDevices(TimeSpan now)
    {
        for (var i = 0; i < _retries.Count; i++)
        {
            var retry = _retries[i];
            if (now < retry.At)
            {
                continue;
            }

            if (Open(retry.Device, out var reason) is { } opened)
            {
                _devices.Add(opened);
                Volatile.Write(ref _guarded, _devices.OfType<Charger>().ToArray());
                _retries.RemoveAt(i--);
                AgentLog.DeviceOpened(_logger, Name, retry.Device.Id.Value);
            }
            else
            {
                var wait = TimeSpan.FromTicks(Math.Min(retry.Wait.Ticks * 2, DeviceRetry.Last.Ticks));
                _retries[i] = retry with { At = now + wait, Wait = wait };
                AgentLog.DeviceFailed(_logger, Name, retry.Device.Id.Value, reason!);
            }
        }
    }

    /// <summary>A device to open again at <see cref="At"/>, after waiting <see cref="Wait"/> since the last try.</summary>
    private sealed record DeviceRetry(DeviceManifest Device, TimeSpan At, TimeSpan Wait)
    {
        public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
        public static readonly TimeSpan Last = TimeSpan.FromSeconds(60);
    }

    private void SampleAll()
    {
        _pending.Clear();
        foreach (var device in _devices)
        {
            Guard(device, device.Sample);
        }

        if (_pending.Count == 0)
        {
            return;
        }

        // A boot that began unsynced says where it starts in every batch after the sync: its boot-relative records may reach
        // the cloud only in a replay from a later boot, with no status message of this boot ever sent (protocol 1.3).
        var synced = Clock.BeganUnsynced ? Clock.Synced() : null;
        var (at, bootMs) = synced is { } c ? (c.At, null) : Clock.Stamp();
        foreach (var chunk in _pending.Select(r => r with { At = at, BootMs = bootMs }).Chunk(MessageLimits.MaxReadingsPerBatch))
        {
            Append(OutboxPriority.Telemetry, Channel.Telemetry, seq =>
                ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, Identity.Agent, Clock.Boot, seq, chunk, synced)));
        }

        _pending.Clear();
    }

    private void CheckClock()
    {
        var synced = Clock.IsSynced;
        if (synced && !_wasSynced)
        {
            _sink.Report(EventKind.ClockSynced, DeviceOf(Manifest), reason: $"boot {Clock.Boot} at {Clock.BootMs} ms");
        }

        _wasSynced = synced;
    }

    private void Housekeeping(TimeSpan now)
    {
        Outbox.FlushIfDue();
        _latches.SaveIfUnsaved();
        var drops = Outbox.TakeNewDrops();
        if (drops > 0 && (_lastDropReport is not { } last || now - last >= TimeSpan.FromMinutes(1)))
        {
            _lastDropReport = now;
            _sink.Report(EventKind.OutboxDropping, DeviceOf(Manifest), drops, reason: "outbox full: oldest telemetry dropped");
        }

        if (DiskFree() is { } free)
        {
            var low = free < _options.DiskLowBytes;
            if (low && !_diskLow)
            {
                _sink.Report(EventKind.DiskLow, DeviceOf(Manifest), free);
            }

            _diskLow = low && free < _options.DiskLowBytes * 2;
        }
    }

    private void Guard(CourtyardDevice device, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or ArgumentException)
        {
            AgentLog.DeviceFailed(_logger, Name, device.Id.Value, e.Message);
        }
    }

    private void Append(OutboxPriority priority, Channel channel, Func<long, byte[]> write)
    {
        try
        {
            Outbox.Append(priority, channel, write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AgentLog.OutboxFailed(_logger, Name, e.Message);
        }
    }

    /// <summary>Stamps what devices report and writes it: readings into the batch, events into the outbox at once.</summary>
    private sealed class Sink(AgentRuntime agent) : IDeviceSink
    {
        public void Reading(SensorId sensor, Quantity quantity, double value) => agent._pending.Add(new Reading(sensor, quantity, value));

        public void Report(EventKind kind, DeviceId device, double? value = null, int? outlet = null, string? reason = null)
        {
            var priority = EventPriority.Of(kind);
            if (priority == OutboxPriority.Safety)
            {
                AgentLog.Safety(agent._logger, agent.Name, WireNames.Of(kind), device.Value, outlet, reason);
            }

            var (at, bootMs) = agent.Clock.Stamp();
            agent.Append(priority, Channel.Events, seq =>
                ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, agent.Identity.Agent, agent.Clock.Boot, seq, kind, device, at, bootMs, outlet, value, reason)));
        }
    }
}
