using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// The cloud tells each agent how far it has stored (protocol 1.2): agents publish through real Mosquitto, the real cloud
/// stores (SQLite or PostgreSQL, see the subclasses), and the watermark is read as an agent reads it, from its own
/// retained <c>stored</c> topic. Where the once-a-second limit matters, the publisher runs on a fake clock the test moves.
/// </summary>
public abstract class StoredWatermarkTests(BrokerFixture broker) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = Patience.Seconds(30);

    // No retained watermark of an earlier test may reach this one.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The database settings: a fresh database for each cloud.</summary>
    protected abstract Task<Dictionary<string, string?>> DatabaseAsync();

    [Fact]
    public async Task Stored_telemetry_gives_a_retained_watermark_that_an_agent_subscribing_later_still_reads()
    {
        await using var cloud = await StartAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var live = await ListenAsync(agent);
        foreach (var seq in new long[] { 1, 2, 3 })
        {
            await agent.TelemetryAsync(seq, Reading(seq));
        }

        await cloud.WaitProcessedAsync(3);
        await live.WaitForAsync(m => StoredOf(m, agent) == 3, Wait);

        await using var late = await ListenAsync(agent);
        var retained = await late.WaitForAsync(_ => true, Wait);
        Assert.True(retained.Retained);
        var watermark = Read(retained);
        Assert.Equal(agent.Agent, watermark.Agent);
        Assert.Equal(new BootWatermark(agent.Boot, 3), Assert.Single(watermark.Boots));
    }

    [Fact]
    public async Task Nothing_is_told_before_the_commit_nor_for_a_batch_that_failed_to_store()
    {
        var store = new FailingFirstWrite();
        await using var cloud = await StartAsync(services: store.Wrap);
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var live = await ListenAsync(agent);

        await agent.TelemetryAsync(1, Reading(1));
        await store.Entered.WaitAsync(Wait);
        Assert.Null(cloud.Get<WatermarkPublisher>().PendingFor(agent.Agent));

        // The write fails: the batch rolls back, is retried, and only its commit is told.
        store.Fail();
        await live.WaitForAsync(m => StoredOf(m, agent) == 1, Wait);
        Assert.Equal(2, store.Writes);
        Assert.Equal(1, (await SequenceAsync(cloud, agent.Agent, agent.Boot)).Contiguous);
        Assert.All(live.Received, m => Assert.Equal(1, StoredOf(m, agent)));
    }

    [Fact]
    public async Task A_gap_is_told_at_once_and_an_outbox_floor_counts_the_missing_seq_lost_and_moves_the_watermark_past_it()
    {
        var pace = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cloud = await StartAsync(pace);
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var live = await ListenAsync(agent);

        await agent.TelemetryAsync(1, Reading(1));
        await agent.TelemetryAsync(2, Reading(2));
        await cloud.WaitProcessedAsync(2);
        pace.Advance(WatermarkPublisher.Interval);
        await live.WaitForAsync(m => StoredOf(m, agent) == 2, Wait);
        var before = live.Received.Count;

        // Seq 3 never comes: the watermark stays at 2 and goes out at once, within the same second.
        await agent.TelemetryAsync(4, Reading(4));
        await cloud.WaitProcessedAsync(3);
        await live.WaitForCountAsync(_ => true, before + 1, Wait);
        Assert.Equal(2, StoredOf(live.Received[^1], agent));

        // The agent's status says it holds nothing below 4: 3 is gone for good.
        await agent.StatusAsync(DateTimeOffset.UtcNow, 60_000, health: new AgentHealth(0, 0, 1, 0, OutboxFloors: [new OutboxFloor(agent.Boot, 4)]));
        await cloud.WaitProcessedAsync(4);
        var row = await SequenceAsync(cloud, agent.Agent, agent.Boot);
        Assert.Equal((4L, 4L, 1L), (row.Contiguous, row.MaxSeen, row.Lost));
        Assert.Equal(4, cloud.Get<WatermarkPublisher>().PendingFor(agent.Agent)?.Boots[0].Stored);

        pace.Advance(WatermarkPublisher.Interval);
        await live.WaitForAsync(m => StoredOf(m, agent) == 4, Wait);
    }

    [Fact]
    public async Task Many_batches_within_a_second_give_one_watermark_per_agent_with_the_latest_value()
    {
        var pace = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cloud = await StartAsync(pace);
        await using var a = await TestAgent.ConnectAsync(broker.Port);
        await using var b = await TestAgent.ConnectAsync(broker.Port, "yikang-6", "yikang-6-a");
        await using var listenA = await ListenAsync(a);
        await using var listenB = await ListenAsync(b);

        await a.TelemetryAsync(1, Reading(1));
        await cloud.WaitProcessedAsync(1);
        await listenA.WaitForAsync(m => StoredOf(m, a) == 1, Wait);

        // Another agent's first watermark is not held back by A's.
        await b.TelemetryAsync(1, Reading(1));
        await cloud.WaitProcessedAsync(2);
        await listenB.WaitForAsync(m => StoredOf(m, b) == 1, Wait);

        for (var seq = 2; seq <= 6; seq++)
        {
            await a.TelemetryAsync(seq, Reading(seq));
            await cloud.WaitProcessedAsync(seq + 1);
        }

        Assert.Equal(6, cloud.Get<WatermarkPublisher>().PendingFor(a.Agent)?.Boots[0].Stored);
        Assert.Single(listenA.Received);

        pace.Advance(WatermarkPublisher.Interval);
        await listenA.WaitForAsync(m => StoredOf(m, a) == 6, Wait);
        Assert.Equal([1L, 6L], listenA.Received.Select(m => StoredOf(m, a)));
        Assert.Single(listenB.Received);
    }

    [Fact]
    public async Task A_boot_the_cloud_closed_is_marked_closed_after_the_agents_current_boot()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cloud = await StartAsync(clock: clock, settings: new()
        {
            ["Ingest:MaxLiveBootsPerAgent"] = "1",
            ["Ingest:NewBootInterval"] = "00:00:01",
        });
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var live = await ListenAsync(agent);
        var first = agent.Boot;
        await agent.TelemetryAsync(1, TestAgent.Current(0.4, clock.GetUtcNow().AddSeconds(-1)));
        await agent.TelemetryAsync(2, TestAgent.Current(0.4, clock.GetUtcNow().AddSeconds(-1)));
        await cloud.WaitProcessedAsync(2);

        clock.Advance(TimeSpan.FromSeconds(1));
        agent.Reboot("b0000000000000002");
        await agent.TelemetryAsync(1, TestAgent.Current(0.4, clock.GetUtcNow().AddSeconds(-1)));

        var message = await live.WaitForAsync(m => Read(m).Boots.Count == 2, Wait);
        Assert.Equal([new BootWatermark(agent.Boot, 1), new BootWatermark(first, 2, Closed: true)], Read(message).Boots);
    }

    [Fact]
    public async Task An_agent_that_sends_only_events_gets_its_watermark()
    {
        await using var cloud = await StartAsync();
        await using var agent = await TestAgent.ConnectAsync(broker.Port);
        await using var live = await ListenAsync(agent);

        await agent.EventAsync(1, EventKind.GateClosed, "gate-01", DateTimeOffset.UtcNow);
        await agent.EventAsync(2, EventKind.GateClosed, "gate-01", DateTimeOffset.UtcNow);

        await live.WaitForAsync(m => StoredOf(m, agent) == 2, Wait);
        var row = await SequenceAsync(cloud, agent.Agent, agent.Boot);
        Assert.Equal((2L, 0L), (row.Contiguous, row.Lost));
    }

    private async Task<CloudHost> StartAsync(FakeTimeProvider? pace = null, Dictionary<string, string?>? settings = null, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        var all = await DatabaseAsync();
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        // Only the publisher's pace is faked: the rest of the cloud's machinery keeps real time.
        void Change(IServiceCollection s)
        {
            services?.Invoke(s);
            if (pace is not null)
            {
                s.AddSingleton(sp => ActivatorUtilities.CreateInstance<WatermarkPublisher>(sp, pace));
            }
        }

        var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), all, clock: clock, services: Change);
        await cloud.WaitReadyAsync();
        return cloud;
    }

    // As the agent's own client would: its stored topic, nothing else.
    private async Task<MqttTestClient> ListenAsync(TestAgent agent)
    {
        var client = await MqttTestClient.ConnectAsync("127.0.0.1", broker.Port);
        await client.SubscribeAsync(agent.Topic(Channel.Stored));
        return client;
    }

    private static Reading Reading(long seq) => TestAgent.Current(seq / 10.0, DateTimeOffset.UtcNow.AddSeconds(-60 + seq));

    private static StoredWatermark Read(ReceivedMessage message)
    {
        var read = MessageReader.ReadStored(message.Payload, DateTimeOffset.UtcNow);
        return read.Message ?? throw new InvalidOperationException($"not a stored watermark: {read.Summary}");
    }

    private static long? StoredOf(ReceivedMessage message, TestAgent agent) =>
        Read(message).Boots.FirstOrDefault(b => b.Boot == agent.Boot)?.Stored;

    private static async Task<SequenceState> SequenceAsync(CloudHost cloud, AgentId agent, BootId boot)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().Sequences.AsNoTracking().SingleAsync(s => s.AgentId == agent && s.BootId == boot.Value);
    }

    /// <summary>The real time-series store, whose first write waits until the test lets it fail.</summary>
    private sealed class FailingFirstWrite
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _fail = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public Task Entered => _entered.Task;

        public int Writes => _writes;

        public void Fail() => _fail.TrySetResult();

        public void Wrap(IServiceCollection services) => WrappedTimeSeriesStore.Wrap(services, WriteAsync);

        private async Task WriteAsync(ITimeSeriesStore inner, IReadOnlyList<StoredReading> readings, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _writes) == 1)
            {
                _entered.TrySetResult();
                await _fail.Task.WaitAsync(cancellationToken);
                throw new IOException("the time-series store is away (test)");
            }

            await inner.WriteAsync(readings, cancellationToken);
        }
    }
}

public sealed class SqliteStoredWatermarkTests(BrokerFixture broker) : StoredWatermarkTests(broker), IClassFixture<BrokerFixture>
{
    protected override Task<Dictionary<string, string?>> DatabaseAsync() => Task.FromResult(new Dictionary<string, string?>());
}

public sealed class PostgresStoredWatermarkTests(BrokerFixture broker, PostgresFixture postgres) : StoredWatermarkTests(broker), IClassFixture<BrokerFixture>, IClassFixture<PostgresFixture>
{
    protected override async Task<Dictionary<string, string?>> DatabaseAsync() => new()
    {
        ["Database:Provider"] = "Postgres",
        ["Database:ConnectionString"] = await postgres.Server.CreateDatabaseAsync($"watermark_{Guid.NewGuid():N}"),
    };
}
