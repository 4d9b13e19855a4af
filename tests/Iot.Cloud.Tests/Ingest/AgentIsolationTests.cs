using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.TimeSeries.Sqlite;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// One agent's stolen password against the street (issue 20): each attack that used to slow or grow ingest for every
/// courtyard, now refused or bounded. Batches go straight to the real ingest of a real cloud (SQLite), on a fake clock.
/// </summary>
public sealed class AgentIsolationTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly AgentId Thief = AgentId.Parse("yikang-1-a");
    private readonly FakeTimeProvider _clock = new(Start);

    private async Task<CloudHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Error" };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), all, clock: _clock);
        await cloud.WaitReadyAsync();
        return cloud;
    }

    private IncomingMessage Telemetry(string boot, long seq, params (string Sensor, long? BootMs)[] readings)
    {
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-1"), Thief, Channel.Telemetry).ToString();
        var now = _clock.GetUtcNow();
        var payload = ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, Thief, BootId.Parse(boot), seq,
            [.. readings.Select(r => r.BootMs is { } ms
                ? new Reading(SensorId.Parse(r.Sensor), Quantity.Current, 0.4, BootMs: ms)
                : new Reading(SensorId.Parse(r.Sensor), Quantity.Current, 0.4, At: now.AddSeconds(-seq)))]));
        return new IncomingMessage(topic, payload, false, now, null);
    }

    private static string Boot(int i) => $"b{i:x16}";

    private static async Task HandleAsync(CloudHost cloud, IReadOnlyList<IncomingMessage> batch)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        await cloud.Get<IngestBatch>().HandleAsync(batch, scope.ServiceProvider.GetRequiredService<CloudDb>(), CancellationToken.None);
    }

    private static async Task<T> QueryAsync<T>(CloudHost cloud, Func<CloudDb, Task<T>> query)
    {
        await using var scope = cloud.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CloudDb>());
    }

    [Fact]
    public async Task A_reading_of_a_sensor_not_in_the_agents_manifest_is_dead_lettered_naming_it_and_the_rest_are_stored()
    {
        await using var cloud = await StartAsync();

        await HandleAsync(cloud, [Telemetry(Boot(1), 1, ("lamp-01.current", null), ("invented-99.current", null))]);

        var letters = await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().ToListAsync());
        var letter = Assert.Single(letters);
        Assert.Contains("'invented-99.current'", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("'yikang-1-a'", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(1, cloud.Get<IngestStats>().Readings);
    }

    [Fact]
    public async Task A_hundred_new_boots_from_one_agent_leave_at_most_eight_live_and_count_what_the_closed_ones_missed()
    {
        await using var cloud = await StartAsync(new() { ["Ingest:NewBootInterval"] = "00:00:01" });

        // Each boot starts at seq 5: seqs 1 to 4 never came, and closing the boot counts them lost. A second between
        // boots lets each new one through (one new boot a second here).
        for (var b = 0; b < 100; b++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await HandleAsync(cloud, [Telemetry(Boot(b + 1), 5, ("lamp-01.current", null))]);
        }

        var rows = await QueryAsync(cloud, db => db.Sequences.AsNoTracking().Where(s => s.AgentId == Thief).ToListAsync());
        Assert.Equal(100, rows.Count);
        Assert.Equal(8, rows.Count(s => !s.Closed));
        Assert.All(rows.Where(s => s.Closed), s => Assert.Equal(4, s.Lost));
        Assert.Equal([.. Enumerable.Range(93, 8).Select(Boot)], rows.Where(s => !s.Closed).Select(s => s.BootId).Order());

        // A later message of a closed boot is refused, saying why.
        await HandleAsync(cloud, [Telemetry(Boot(1), 6, ("lamp-01.current", null))]);
        var letter = Assert.Single(await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().ToListAsync()));
        Assert.Contains("is closed", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_new_boots_and_sensors_leaves_every_cache_within_its_bound()
    {
        await using var cloud = await StartAsync(new()
        {
            ["Ingest:MaxSequenceWindows"] = "50",
            ["Ingest:MaxBootAnchors"] = "50",
            ["Ingest:MaxLiveBootsPerAgent"] = "4",
            ["TimeSeries:MaxCachedSeries"] = "100",
            ["Ingest:NewBootInterval"] = "00:00:01",
            ["Ingest:MaxSensorsPerDevice"] = "10000",
        });
        var store = Assert.IsType<SqliteTimeSeriesStore>(cloud.Get<ITimeSeriesStore>());

        // 600 boots, each with a boot-relative reading of a sensor of its own on a real device (so it reaches the caches),
        // slowly enough (one new boot a second, the limits above opened) that the budget lets every one through.
        for (var b = 0; b < 600; b++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await HandleAsync(cloud, [Telemetry(Boot(b + 1), 1, ($"lamp-01.s{b}", (long?)1000), ($"lamp-01.t{b}", null))]);
        }

        Assert.InRange(cloud.Get<SequenceTracker>().Count, 1, 50);
        Assert.InRange(cloud.Get<BootClock>().Count, 1, 50);
        Assert.InRange(store.CachedSeries, 1, 100);
        Assert.Equal(4, await QueryAsync(cloud, db => db.Sequences.CountAsync(s => s.AgentId == Thief && !s.Closed)));
    }

    [Fact]
    public async Task A_new_boot_in_every_message_is_refused_cheaply_after_the_first_few_and_an_honest_agent_goes_on()
    {
        await using var cloud = await StartAsync(new() { ["Ingest:FloodDeadLettersPerMinute"] = "3" });
        var honest = AgentId.Parse("yikang-6-a");

        // The clock stands still: the thief's first eight boots fit, the next 992 are refused before they cost a dedupe
        // window or a closed boot each. The honest agent's messages in the same batches are all stored.
        for (var i = 0; i < 1000; i += 100)
        {
            await HandleAsync(cloud, [
                .. Enumerable.Range(i, 100).Select(b => Telemetry(Boot(b + 1), 1, ("lamp-01.current", null))),
                Honest(honest, (i / 100) + 1)]);
        }

        Assert.Equal(8, await QueryAsync(cloud, db => db.Sequences.CountAsync(s => s.AgentId == Thief)));
        Assert.Equal(10, await QueryAsync(cloud, db => db.Sequences.Where(s => s.AgentId == honest).Select(s => s.Contiguous).SingleAsync()));
        var kept = await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().ToListAsync());
        Assert.Equal(3, kept.Count);
        Assert.All(kept, l => Assert.Contains("starts new boots faster than allowed", l.Reason, StringComparison.Ordinal));
        Assert.Equal(8 + 10, cloud.Get<IngestStats>().Readings);
        Assert.Equal(992, cloud.Get<IngestStats>().Rejected);
        await CloudHost.WaitUntilAsync(
            () => QueryAsync(cloud, db => db.Alerts.AnyAsync(a => a.RuleKey == "agent-flooding" && a.AgentId == Thief && a.Status == AlertStatus.Open)),
            "the agentFlooding alert raised");
    }

    [Fact]
    public async Task An_agent_inventing_sensors_on_its_real_devices_is_refused_past_its_cap()
    {
        await using var cloud = await StartAsync(new() { ["Ingest:MaxSensorsPerDevice"] = "2" });
        var devices = cloud.Get<Iot.Cloud.Sites.SiteRegistry>().Current!.Agents[Thief].DeviceIds.Count;

        // One boot, one new sensor of lamp-01 per message: the agent may use 2 per device, then nothing new.
        await HandleAsync(cloud, [.. Enumerable.Range(1, 3 * devices).Select(i => Telemetry(Boot(1), i, ($"lamp-01.s{i}", null)))]);

        Assert.Equal(2 * devices, cloud.Get<IngestStats>().Readings);
        Assert.Equal(devices, cloud.Get<IngestStats>().Rejected);
        Assert.Contains(await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().ToListAsync()), l => l.Reason.Contains("more distinct sensors than its", StringComparison.Ordinal));

        // Sensors it already used still go in.
        await HandleAsync(cloud, [Telemetry(Boot(1), (3 * devices) + 1, ("lamp-01.s1", null))]);
        Assert.Equal((2 * devices) + 1, cloud.Get<IngestStats>().Readings);
    }

    private IncomingMessage Honest(AgentId agent, long seq)
    {
        var topic = new AgentTopic(SiteId.Parse("yongchang"), CourtyardId.Parse("yikang-6"), agent, Channel.Telemetry).ToString();
        var payload = ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, agent, BootId.Parse(Boot(7777)), seq,
            [new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.4, At: _clock.GetUtcNow().AddSeconds(-seq))]));
        return new IncomingMessage(topic, payload, false, _clock.GetUtcNow(), null);
    }

    [Fact]
    public async Task An_agent_over_its_budget_is_dead_lettered_cheaply_and_raises_agentFlooding_which_clears_when_it_calms_down()
    {
        await using var cloud = await StartAsync(new()
        {
            ["Ingest:AgentMessagesPerSecond"] = "1",
            ["Ingest:AgentBurst"] = "5",
            ["Ingest:FloodDeadLettersPerMinute"] = "3",
            ["Ingest:FloodQuietPeriod"] = "00:02:00",
        });

        // The clock stands still: five messages fit the burst, fifteen do not.
        await HandleAsync(cloud, [.. Enumerable.Range(1, 20).Select(seq => Telemetry(Boot(1), seq, ("lamp-01.current", null)))]);

        Assert.Equal(5, cloud.Get<IngestStats>().Readings);
        Assert.Equal(15, cloud.Get<IngestStats>().Rejected);
        var kept = await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().ToListAsync());
        Assert.Equal(3, kept.Count);
        Assert.All(kept, l => Assert.Contains("over its message budget", l.Reason, StringComparison.Ordinal));
        await CloudHost.WaitUntilAsync(
            () => QueryAsync(cloud, db => db.Alerts.AnyAsync(a => a.RuleKey == "agent-flooding" && a.AgentId == Thief && a.Status == AlertStatus.Open)),
            "the agentFlooding alert raised");

        // Back within budget for longer than the quiet period: the twelve not kept are summed up in one letter, and the alert clears.
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        await HandleAsync(cloud, [Telemetry(Boot(1), 21, ("lamp-01.current", null))]);

        var summary = Assert.Single(await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().Where(l => l.Topic.StartsWith("(over budget")).ToListAsync()));
        // Fifteen refused, three kept: twelve counted (plus any message the broker brought meanwhile, also over budget).
        var unkept = cloud.Get<IngestStats>().Rejected - 3;
        Assert.InRange(unkept, 12, 20);
        Assert.True(summary.Reason.Contains($"{unkept} more messages", StringComparison.Ordinal), summary.Reason);
        Assert.Equal(6, cloud.Get<IngestStats>().Readings);
        await CloudHost.WaitUntilAsync(
            () => QueryAsync(cloud, db => db.Alerts.AnyAsync(a => a.RuleKey == "agent-flooding" && a.AgentId == Thief && a.Status == AlertStatus.Cleared)),
            "the agentFlooding alert cleared");
    }

    [Fact]
    public async Task The_retention_sweep_deletes_old_rows_and_dead_letters_readings_whose_boot_never_got_an_anchor()
    {
        await using var cloud = await StartAsync(new()
        {
            ["Ingest:UnplacedRetention"] = "2.00:00:00",
            ["Ingest:DeadLetterRetention"] = "30.00:00:00",
            ["Ingest:SequenceRetention"] = "30.00:00:00",
            ["Ingest:BootAnchorRetention"] = "30.00:00:00",
        });

        // A boot that never sends a live status: its boot-relative readings wait, then an unknown sensor makes a dead letter.
        await HandleAsync(cloud, [Telemetry(Boot(7), 1, ("lamp-01.current", 1000), ("lamp-01.voltage", 2000))]);
        await HandleAsync(cloud, [Telemetry(Boot(8), 1, ("nowhere-01.current", null))]);
        Assert.Equal(2, await QueryAsync(cloud, db => db.UnplacedReadings.CountAsync()));

        // A sweep on a clock of its own: moving the whole cloud's clock by days makes every periodic service catch up.
        var later = new FakeTimeProvider(Start);
        var retention = new IngestRetention(cloud.Get<IServiceScopeFactory>(), cloud.Get<IOptions<IngestOptions>>(), later, NullLogger<IngestRetention>.Instance);
        later.Advance(TimeSpan.FromDays(3));
        await retention.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await QueryAsync(cloud, db => db.UnplacedReadings.CountAsync()));
        var stale = Assert.Single(await QueryAsync(cloud, db => db.DeadLetters.AsNoTracking().Where(l => l.Topic.StartsWith("(unplaced")).ToListAsync()));
        Assert.Contains($"2 boot-relative readings of agent 'yikang-1-a' boot '{Boot(7)}'", stale.Reason, StringComparison.Ordinal);

        later.Advance(TimeSpan.FromDays(31));
        await retention.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await QueryAsync(cloud, db => db.DeadLetters.CountAsync()));
        Assert.Equal(0, await QueryAsync(cloud, db => db.Sequences.CountAsync()));
    }
}
