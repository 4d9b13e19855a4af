using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>The outbox's delivery: per-channel queues, and each message once however many instances send.</summary>
public abstract class OutboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 18, 0, 0, TimeSpan.Zero));
    private PlatformReceiver _platforms = null!;

    protected abstract Task<Func<CloudDb>> DatabaseAsync();

    public async Task InitializeAsync() => _platforms = await PlatformReceiver.StartAsync(_clock);

    public virtual async Task DisposeAsync() => await _platforms.DisposeAsync();

    private Dictionary<string, string?> Hooks(params string[] parties) => parties
        .SelectMany(p => new[]
        {
            KeyValuePair.Create($"Webhooks:Channels:{p}:Kind", (string?)"Webhook"), KeyValuePair.Create($"Webhooks:Channels:{p}:Party", (string?)p),
            KeyValuePair.Create($"Webhooks:Channels:{p}:Url", (string?)_platforms.Webhook(p).ToString()), KeyValuePair.Create($"Webhooks:Channels:{p}:Secret", (string?)PlatformReceiver.WebhookSecret),
        }).ToDictionary();

    [Fact]
    public async Task A_dead_endpoint_does_not_delay_another_partys_message()
    {
        await using var h = await OutboxHarness.StartAsync(await DatabaseAsync(), _clock, Hooks("dead-party", "alive-party"));
        var stuck = new TaskCompletionSource();
        _platforms.Hanging["dead-party"] = stuck;
        await h.QueueAsync("dead-party", ChannelKind.Webhook, "先排队的消息", party: "dead-party");
        await h.Dispatcher.DispatchAsync(CancellationToken.None);
        await _platforms.Arrived.GetOrAdd("dead-party", _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        // The dead endpoint holds its request; another party's message, queued after, goes out all the same.
        var later = await h.QueueAsync("alive-party", ChannelKind.Webhook, "后排队的消息", party: "alive-party");
        Assert.Equal(1, await h.Dispatcher.DispatchAsync(CancellationToken.None));
        await _platforms.Accepted.GetOrAdd("alive-party", _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        Assert.Equal([later.MessageId.ToString()], _platforms.WebhookIds);
        Assert.False(stuck.Task.IsCompleted);

        _platforms.Release("dead-party");
        await h.Dispatcher.IdleAsync();
        Assert.All(await h.LogAsync(), n => Assert.NotNull(n.DeliveredAt));
    }

    [Fact]
    public async Task A_message_claimed_by_one_instance_is_not_claimed_by_another_until_its_lease_runs_out()
    {
        var open = await DatabaseAsync();
        await using var h = await OutboxHarness.StartAsync(open, _clock, Hooks("xinyu-property"));
        await h.QueueAsync("xinyu-property", ChannelKind.Webhook, "告警");
        var now = _clock.GetUtcNow();
        var lease = TimeSpan.FromMinutes(2);

        await using var a = open();
        await using var b = open();
        Assert.Single(await OutboxClaim.ClaimAsync(a, "instance-a", now, lease, [], 10, CancellationToken.None));
        Assert.Empty(await OutboxClaim.ClaimAsync(b, "instance-b", now, lease, [], 10, CancellationToken.None));
        Assert.Single(await OutboxClaim.ClaimAsync(b, "instance-b", now + lease + TimeSpan.FromSeconds(1), lease, [], 10, CancellationToken.None));
    }
}

public sealed class SqliteOutboxTests : OutboxTests
{
    private readonly string _file = TestDatabases.NewSqliteFile("outbox");

    protected override Task<Func<CloudDb>> DatabaseAsync() => Task.FromResult(TestDatabases.Sqlite(_file));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }
}

public sealed class PostgresOutboxTests(PostgresFixture postgres) : OutboxTests, IClassFixture<PostgresFixture>
{
    protected override Task<Func<CloudDb>> DatabaseAsync() => TestDatabases.PostgresAsync(postgres.Server, "outbox");

    [Fact]
    public async Task Two_instances_send_each_message_exactly_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 18, 0, 0, TimeSpan.Zero));
        await using var platforms = await PlatformReceiver.StartAsync(clock);
        var parties = new[] { "xinyu-property", "cable-works", "yikang-rc" };
        var settings = parties.SelectMany(p => new[]
        {
            KeyValuePair.Create($"Webhooks:Channels:{p}:Kind", (string?)"Webhook"), KeyValuePair.Create($"Webhooks:Channels:{p}:Party", (string?)p),
            KeyValuePair.Create($"Webhooks:Channels:{p}:Url", (string?)platforms.Webhook(p).ToString()), KeyValuePair.Create($"Webhooks:Channels:{p}:Secret", (string?)PlatformReceiver.WebhookSecret),
        }).ToDictionary();
        var open = await DatabaseAsync();
        await using var one = await OutboxHarness.StartAsync(open, clock, settings);
        await using var two = await OutboxHarness.StartAsync(open, clock, settings, migrate: false);
        for (var i = 0; i < 60; i++)
        {
            await one.QueueAsync(parties[i % 3], ChannelKind.Webhook, $"消息 {i}", party: parties[i % 3]);
        }

        for (var round = 0; round < 30 && (await one.LogAsync()).Any(n => n.DeliveredAt is null); round++)
        {
            await Task.WhenAll(one.Dispatcher.DeliverDueAsync(CancellationToken.None), two.Dispatcher.DeliverDueAsync(CancellationToken.None));
        }

        var log = await one.LogAsync();
        Assert.All(log, n => Assert.NotNull(n.DeliveredAt));
        Assert.Equal(60, platforms.WebhookIds.Count);
        Assert.Equal(log.Select(n => n.MessageId.ToString()).Order(), platforms.WebhookIds.Order());
    }
}
