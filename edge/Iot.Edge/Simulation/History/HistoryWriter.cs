using System.Globalization;
using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;

namespace Iot.Edge.Simulation.History;

/// <summary>What <see cref="HistoryWriter"/> put into one agent's outbox.</summary>
/// <param name="Records">Telemetry batches and events written.</param>
/// <param name="Readings">Readings in them.</param>
/// <param name="Events">Events written.</param>
public readonly record struct HistoryFill(int Records, int Readings, int Events);

/// <summary>
/// Writes a simulated agent's past week into its outbox, as the agent would have written it while it was cut off from
/// the cloud: telemetry batches and events, each stamped with its boot, seq and time, in the agent's own record format.
/// The agent then replays them over MQTT like any backlog, so the cloud stores, evaluates and alerts on them through
/// its real path. An agent that was offline for some hours has no readings then, and comes back in a new boot whose clock
/// is not synced for its first <see cref="SyncAfterBoot"/>: its readings then carry <c>bootMs</c>, and the batches after
/// the sync the boot's <c>clock</c>, which is how the cloud places them (no status message of that boot ever reached it).
/// Older samples are further apart, so the week fits the ingest budget of a first start (<see cref="StepAt"/>).
/// </summary>
public static class HistoryWriter
{
    /// <summary>How long a Pi that lost its power runs on boot-relative time: NTP waits for the courtyard's router to come up.</summary>
    public static readonly TimeSpan SyncAfterBoot = TimeSpan.FromMinutes(12);

    // A Pi samples its devices within a minute of booting, before its clock syncs.
    private static readonly TimeSpan FirstSampleAfterBoot = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A sample every 4 minutes in the last day and every hour before: the 24-hour chart (minute means) shows a gap only
    /// after 5 minutes without a reading, the 7-day chart (hourly means) only after more than an hour.
    /// </summary>
    public static TimeSpan StepAt(TimeSpan age) => age <= TimeSpan.FromDays(1) ? TimeSpan.FromMinutes(4) : TimeSpan.FromHours(1);

    /// <summary>The sample times of [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public static IEnumerable<DateTimeOffset> SampleTimes(DateTimeOffset from, DateTimeOffset to)
    {
        for (var t = from; t < to; t += StepAt(to - t))
        {
            yield return t;
        }
    }

    /// <summary>
    /// Writes <paramref name="agent"/>'s [<paramref name="from"/>, <paramref name="to"/>) into the outbox that
    /// <paramref name="open"/> opens: once per boot, as each boot of a Pi is a process of its own that numbers its records from 1.
    /// </summary>
    public static HistoryFill Write(Func<DiskOutbox> open, AgentManifest agent, HistoryReadings readings, IReadOnlyList<PastFault> faults,
        DateTimeOffset from, DateTimeOffset to, int seed)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(faults);
        var outages = faults.Where(f => f.Kind == PastFaultKind.AgentOffline && f.Agent == agent.Id).ToList();

        // Events of the unsynced minutes after a return are left out: the cloud could only date them by their arrival.
        var events = EventsOf(agent.Id, faults).OrderBy(e => e.At).Where(e => e.At >= from && e.At < to && !outages.Any(o => o.From <= e.At && e.At < o.To + SyncAfterBoot)).ToList();
        var boot = BootOf(agent.Id, from, seed);
        DateTimeOffset? bootStart = null;   // set for a boot that began unsynced: it then places itself
        var outbox = open();
        outbox.StartBoot(boot);
        var fill = new HistoryFill();
        var batch = new List<Reading>();
        var floatsUp = new HashSet<DeviceId>();
        var nextEvent = 0;
        var syncAnnounced = false;   // the current boot's clockSynced written
        var firstSamples = outages.Select(o => o.To + FirstSampleAfterBoot).Where(t => t >= from && t < to);
        foreach (var at in SampleTimes(from, to).Concat(firstSamples).Order())
        {
            while (nextEvent < events.Count && events[nextEvent].At <= at)
            {
                var e = events[nextEvent++];
                outbox.Append(EventPriority.Of(e.Kind), Channel.Events, seq =>
                    ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, agent.Id, boot, seq, e.Kind, e.Device, e.At, null, e.Outlet, e.Value, e.Reason)));
                fill = fill with { Records = fill.Records + 1, Events = fill.Events + 1 };
            }

            if (outages.FirstOrDefault(o => o.From <= at && at < o.To) is { } outage)
            {
                // Back after the outage in a new boot, as a Pi that lost its power starts again.
                if (boot != BootOf(agent.Id, outage.To, seed))
                {
                    boot = BootOf(agent.Id, outage.To, seed);
                    bootStart = outage.To;
                    syncAnnounced = false;
                    outbox.Dispose();
                    outbox = open();
                    outbox.StartBoot(boot);
                }

                continue;
            }

            // The clock of a boot that began unsynced: boot-relative times until the sync, then UTC and the boot's clock.
            SyncedClock? clock = null;
            long? bootMs = null;
            if (bootStart is { } started)
            {
                var sinceBoot = (long)(at - started).TotalMilliseconds;
                if (at < started + SyncAfterBoot)
                {
                    bootMs = sinceBoot;
                }
                else
                {
                    clock = new SyncedClock(sinceBoot, at);
                }
            }

            if (clock is not null && !syncAnnounced)
            {
                // As the agent announces the moment its clock syncs (stamped with the first synced sample's time).
                syncAnnounced = true;
                outbox.Append(EventPriority.Of(EventKind.ClockSynced), Channel.Events, seq =>
                    ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, agent.Id, boot, seq, EventKind.ClockSynced, agent.Devices.Count > 0 ? agent.Devices[0].Id : DeviceId.Parse("agent"), at, null, null, null,
                        string.Create(CultureInfo.InvariantCulture, $"boot {boot} at {clock.BootMs} ms"))));
                fill = fill with { Records = fill.Records + 1, Events = fill.Events + 1 };
            }

            batch.Clear();
            foreach (var device in agent.Devices)
            {
                var first = batch.Count;
                readings.Sample(agent.Id, device, at, batch);
                if (bootMs is null && batch.Skip(first).FirstOrDefault(r => r.Quantity == Quantity.FloatSwitch) is { } floating && (floating.Value > 0) != floatsUp.Contains(device.Id))
                {
                    // The float switch's edge is an event of its own, as the agent reports it (after the sync, like the week's other events).
                    var up = floating.Value > 0;
                    _ = up ? floatsUp.Add(device.Id) : floatsUp.Remove(device.Id);
                    var level = batch.Skip(first).First(r => r.Quantity == Quantity.WaterLevel).Value;
                    var kind = up ? EventKind.DrainHighWater : EventKind.DrainHighWaterCleared;
                    outbox.Append(EventPriority.Of(kind), Channel.Events, seq =>
                        ProtocolJson.Serialize(new DeviceEvent(ProtocolVersion.Current, agent.Id, boot, seq, kind, device.Id, at, null, null, level)));
                    fill = fill with { Records = fill.Records + 1, Events = fill.Events + 1 };
                }
            }

            var stamped = bootMs is { } ms ? batch.Select(r => r with { At = null, BootMs = ms }) : batch;
            foreach (var chunk in stamped.Chunk(MessageLimits.MaxReadingsPerBatch))
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq =>
                    ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, agent.Id, boot, seq, chunk, clock)));
                fill = fill with { Records = fill.Records + 1, Readings = fill.Readings + chunk.Length };
            }
        }

        outbox.Dispose();
        return fill;
    }

    private static BootId BootOf(AgentId agent, DateTimeOffset start, int seed) =>
        BootId.Parse(System.IO.Hashing.XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{agent}/{start.ToUnixTimeSeconds()}")), seed)
            .ToString("x16", CultureInfo.InvariantCulture));

    private sealed record PastEvent(DateTimeOffset At, EventKind Kind, DeviceId Device, int? Outlet = null, double? Value = null, string? Reason = null);

    // The events the agent's own devices would have reported for the week's faults.
    private static IEnumerable<PastEvent> EventsOf(AgentId agent, IReadOnlyList<PastFault> faults)
    {
        foreach (var f in faults.Where(f => f.Agent == agent && f.Device is not null))
        {
            switch (f.Kind)
            {
                case PastFaultKind.GateForced:
                    yield return new PastEvent(f.From, EventKind.GateForced, f.Device!.Value, Reason: "opened without a release");
                    yield return new PastEvent(f.To, EventKind.GateClosed, f.Device!.Value);
                    break;
                case PastFaultKind.ChargerOverheated:
                    yield return new PastEvent(f.From, EventKind.ChargerCutOff, f.Device!.Value, f.Outlet, 61.5, "over temperature");
                    yield return new PastEvent(f.To, EventKind.ChargerReset, f.Device!.Value, f.Outlet);
                    break;
            }
        }
    }
}
