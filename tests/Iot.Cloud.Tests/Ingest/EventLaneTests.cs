using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// Device events take a lane of their own from the inbox through the rules to the alert (issues 16 and 20): a forced gate
/// never waits behind a telemetry batch being written, and the two lanes still agree on the data sequence: one event is
/// stored once, and its seq closes the telemetry's gap, across a restart too. Messages go into the real inbox of a real
/// cloud (SQLite); the time-series store is the real one, with a gate in front of its write that the test opens.
/// </summary>
public sealed class EventLaneTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private static readonly AgentId Agent = AgentId.Parse("yikang-1-a");
    private static readonly BootId Boot = BootId.Parse("b00000000000000e1");

    [Fact]
    public async Task A_forced_gate_is_stored_and_raised_while_a_telemetry_batch_is_held_in_its_write()
    {
        var gate = new HeldWrites();
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), services: gate.Wrap);
        await cloud.WaitReadyAsync();
        var inbox = cloud.Get<IngestInbox>();

        gate.Hold();
        await inbox.EnqueueAsync(Telemetry(1), CancellationToken.None);
        await gate.Entered.WaitAsync(CloudHost.DefaultWait);
        await inbox.EnqueueAsync(Event(2, EventKind.GateForced), CancellationToken.None);

        // The telemetry batch is still inside its write, and stays there until the alert is raised.
        var alert = await WaitForAlertAsync(cloud);
        Assert.Equal(AlertStatus.Open, alert.Status);
        Assert.False(gate.Released.IsCompleted);
        Assert.Equal(0, cloud.Get<IngestStats>().Readings);

        gate.Release();
        await CloudHost.WaitUntilAsync(() => Task.FromResult(cloud.Get<IngestStats>().Readings == 1), "the held telemetry stored");
    }

    [Fact]
    public async Task A_redelivered_event_is_stored_once_and_counted_a_duplicate()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"));
        await cloud.WaitReadyAsync();
        var inbox = cloud.Get<IngestInbox>();

        await inbox.EnqueueAsync(Event(1, EventKind.GateForced), CancellationToken.None);
        await cloud.WaitProcessedAsync(1);
        await inbox.EnqueueAsync(Event(1, EventKind.GateForced), CancellationToken.None);
        await cloud.WaitProcessedAsync(2);

        Assert.Equal(1, await QueryAsync(cloud, db => db.DeviceEvents.CountAsync(e => e.AgentId == Agent && e.BootId == Boot.Value)));
        Assert.Equal(1, cloud.Get<IngestStats>().Duplicates);
    }

    [Fact]
    public async Task An_events_seq_closes_the_telemetry_gap_it_falls_in_even_when_the_cloud_restarts_before_telemetry_follows()
    {
        var folder = broker.NewFolder("cloud");
        await using (var first = await CloudHost.StartAsync(broker.Port, folder))
        {
            await first.WaitReadyAsync();
            var inbox = first.Get<IngestInbox>();
            await inbox.EnqueueAsync(Telemetry(1), CancellationToken.None);
            await first.WaitProcessedAsync(1);
            await inbox.EnqueueAsync(Event(2, EventKind.GateForced), CancellationToken.None);
            await inbox.EnqueueAsync(Event(3, EventKind.GateClosed), CancellationToken.None);
            await first.WaitProcessedAsync(3);
            await inbox.EnqueueAsync(Telemetry(4), CancellationToken.None);
            await first.WaitProcessedAsync(4);

            var window = await SequenceAsync(first);
            Assert.Equal((4, 4, 0, 4), (window.Contiguous, window.MaxSeen, window.Lost, window.Accepted));

            // An event the telemetry lane has not heard of when the process stops: only the stored event tells.
            await inbox.EnqueueAsync(Event(5, EventKind.GateForced), CancellationToken.None);
            await first.WaitProcessedAsync(5);
        }

        await using var second = await CloudHost.StartAsync(broker.Port, folder);
        await second.WaitReadyAsync();
        await second.Get<IngestInbox>().EnqueueAsync(Telemetry(6), CancellationToken.None);
        await second.WaitProcessedAsync(1);

        var after = await SequenceAsync(second);
        Assert.Equal((6, 6, 0), (after.Contiguous, after.MaxSeen, after.Lost));
    }

    private static IncomingMessage Telemetry(long seq) =>
        Message(Channel.Telemetry, new TelemetryBatch(ProtocolVersion.Current, Agent, Boot, seq,
            [new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.4, At: DateTimeOffset.UtcNow.AddSeconds(-1))]));

    private static IncomingMessage Event(long seq, EventKind kind) =>
        Message(Channel.Events, new DeviceEvent(ProtocolVersion.Current, Agent, Boot, seq, kind, DeviceId.Parse("gate-01"), At: DateTimeOffset.UtcNow));

    private static IncomingMessage Message<T>(Channel channel, T message)
    {
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), Agent, channel).ToString();
        return new IncomingMessage(topic, ProtocolJson.Serialize(message), false, DateTimeOffset.UtcNow, null);
    }

    private static async Task<Alert> WaitForAlertAsync(CloudHost cloud)
    {
        Alert? found = null;
        await CloudHost.WaitUntilAsync(
            async () => (found = await QueryAsync(cloud, db => db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.RuleKey == "gate-forced" && a.AgentId == Agent))) is not null,
            "the forced gate's alert");
        return found!;
    }

    private static Task<SequenceState> SequenceAsync(CloudHost cloud) =>
        QueryAsync(cloud, db => db.Sequences.AsNoTracking().SingleAsync(s => s.AgentId == Agent && s.BootId == Boot.Value));

    private static async Task<T> QueryAsync<T>(CloudHost cloud, Func<CloudDb, Task<T>> query)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CloudDb>());
    }

    /// <summary>A gate in front of the real time-series store's write: while held, a write waits inside the store call.</summary>
    private sealed class HeldWrites
    {
        private TaskCompletionSource _open = Opened();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task Released => _open.Task;

        public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _open.TrySetResult();

        public void Wrap(IServiceCollection services) => WrappedTimeSeriesStore.Wrap(services, WriteAsync);

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        private async Task WriteAsync(ITimeSeriesStore inner, IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            await inner.WriteAsync(readings, cancellationToken);
        }
    }
}
