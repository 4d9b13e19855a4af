using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Rules;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.Tests.WorkOrders;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>Who gets what, and when: rota in Kunming time, severity to channel, escalation, recovery — on a fake clock.</summary>
public sealed class WhoGetsWhatTests : IAsyncLifetime
{
    // 02:00 on a Sunday in Kunming: the night shift, which began on Saturday at 20:00.
    private static readonly DateTimeOffset Night = new(2026, 12, 5, 18, 0, 0, TimeSpan.Zero);

    private static readonly RotaOptions XinyuRota = new()
    {
        Shifts =
        {
            new ShiftOptions { Days = [.. Enum.GetValues<DayOfWeek>()], From = new TimeOnly(8, 0), To = new TimeOnly(20, 0), Mobile = "13800000001" },
            new ShiftOptions { Days = [DayOfWeek.Saturday], From = new TimeOnly(20, 0), To = new TimeOnly(8, 0), Mobile = "13800000002" },
        },
        Fallback = "13800000009",
        Supervisor = "13900000000",
    };

    private readonly string _file = TestDatabases.NewSqliteFile("who-gets-what");
    private WorkHarness _work = null!;
    private OutboxHarness _outbox = null!;

    public async Task InitializeAsync()
    {
        _work = await WorkHarness.StartAsync(TestDatabases.Sqlite(_file), Night);
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Channels:xinyu-wecom:Kind"] = "WeCom", ["Webhooks:Channels:xinyu-wecom:Party"] = "xinyu-property", ["Webhooks:Channels:xinyu-wecom:Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            ["Webhooks:Channels:xinyu-sms:Kind"] = "Sms", ["Webhooks:Channels:xinyu-sms:Party"] = "xinyu-property", ["Webhooks:Channels:xinyu-sms:Url"] = "https://dysmsapi.aliyuncs.com/",
            ["Webhooks:Channels:xinyu-sms:Secret"] = "s", ["Webhooks:Channels:xinyu-sms:AccessKeyId"] = "k", ["Webhooks:Channels:xinyu-sms:SignName"] = "永昌院坝", ["Webhooks:Channels:xinyu-sms:Templates:alert"] = "SMS_1",
            ["Webhooks:Channels:committee:Kind"] = "WeCom", ["Webhooks:Channels:committee:Party"] = "yikang-rc", ["Webhooks:Channels:committee:Url"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=c",
            ["Webhooks:Rota:xinyu-property:Fallback"] = XinyuRota.Fallback, ["Webhooks:Rota:xinyu-property:Supervisor"] = XinyuRota.Supervisor,
            ["Webhooks:Rota:xinyu-property:Shifts:0:Days:0"] = "Saturday", ["Webhooks:Rota:xinyu-property:Shifts:0:From"] = "20:00", ["Webhooks:Rota:xinyu-property:Shifts:0:To"] = "08:00",
            ["Webhooks:Rota:xinyu-property:Shifts:0:Mobile"] = "13800000002",
        };
        _outbox = await OutboxHarness.StartAsync(TestDatabases.Sqlite(_file), _work.Clock, settings, migrate: false);
    }

    public async Task DisposeAsync()
    {
        await _outbox.DisposeAsync();
        await _work.DisposeAsync();
        File.Delete(_file);
    }

    private async Task<List<Notification>> QueueAsync(IEnumerable<AlertChange> alerts, IEnumerable<WorkOrderChange> orders)
    {
        await using var db = _work.Db();
        var before = (await _outbox.LogAsync()).Count;
        await _outbox.Notifier.QueueAsync(db, alerts, orders, CancellationToken.None);
        await db.SaveChangesAsync();
        return [.. (await _outbox.LogAsync()).Skip(before)];
    }

    [Theory]
    [InlineData("2026-12-05T18:00:00Z", "13800000002")] // Sunday 02:00: Saturday's night shift
    [InlineData("2026-12-06T03:00:00Z", "13800000001")] // Sunday 11:00: the day shift
    [InlineData("2026-12-06T18:00:00Z", "13800000009")] // Monday 02:00: no night shift on Sunday, the fallback
    public void The_rota_reads_Kunming_time_with_night_shifts_and_a_fallback(string at, string mobile) =>
        Assert.Equal(mobile, Rota.OnDuty(XinyuRota, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(Severity.Critical, true, true, true)]
    [InlineData(Severity.Major, true, true, false)]
    [InlineData(Severity.Minor, true, true, false)]
    [InlineData(Severity.Warning, true, true, false)]
    public void Severity_picks_the_channels(Severity severity, bool webhook, bool robot, bool sms)
    {
        Assert.Equal(webhook, Routing.Carries(new ChannelOptions { Kind = ChannelKind.Webhook }, "alert.raised", severity));
        Assert.Equal(robot, Routing.Carries(new ChannelOptions { Kind = ChannelKind.WeCom }, "alert.raised", severity));
        Assert.Equal(robot, Routing.Carries(new ChannelOptions { Kind = ChannelKind.DingTalk }, "alert.raised", severity));
        Assert.Equal(sms, Routing.Carries(new ChannelOptions { Kind = ChannelKind.Sms }, "alert.raised", severity));
    }

    [Theory]
    [InlineData(Severity.Minor, "2026-12-05T18:00:00Z", "2026-12-06T00:00:00Z")] // 02:00 Kunming: today's 8:00 digest
    [InlineData(Severity.Warning, "2026-12-06T01:00:00Z", "2026-12-07T00:00:00Z")] // 09:00 Kunming: tomorrow's
    [InlineData(Severity.Major, "2026-12-05T18:00:00Z", "2026-12-05T18:00:00Z")] // major: at once
    public void Minor_and_warning_wait_for_the_robots_8_oclock_digest(Severity severity, string now, string expected)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Routing.SendAt(new ChannelOptions { Kind = ChannelKind.WeCom }, severity, at));
        Assert.Equal(at, Routing.SendAt(new ChannelOptions { Kind = ChannelKind.Webhook }, severity, at));
    }

    [Fact]
    public async Task A_critical_alert_at_night_goes_to_the_robot_and_SMS_naming_the_night_shift_then_escalates_to_the_supervisor_and_the_committee()
    {
        var (alerts, orders) = await _work.ApplyAsync(_work.Transition("charger-cut-off", "yikang-1", "yikang-1-a/charger-01/o2", TransitionKind.Raised, 71.5));
        var raised = await QueueAsync(alerts, orders);

        var alertRows = raised.Where(n => n.Kind == "alert.raised").ToList();
        Assert.Equal(["xinyu-sms", "xinyu-wecom"], alertRows.Select(n => n.Channel).Order());
        Assert.All(alertRows, n => Assert.Equal("13800000002", n.Recipient));
        Assert.Contains("【紧急】充电桩安全断电", alertRows[0].Text, StringComparison.Ordinal);
        Assert.Contains(raised, n => n.Kind == "workOrder.created" && n.Channel == "xinyu-wecom");
        Assert.Equal(raised.Count, raised.Select(n => n.MessageId).Distinct().Count());

        // Nobody acknowledges: past the contract's 30 minutes, the party's supervisor; past twice that, the community.
        _work.Clock.Advance(TimeSpan.FromMinutes(31));
        var first = await _work.SweepAsync();
        var escalated = await QueueAsync(first.Alerts, first.Orders);
        Assert.Contains(escalated, n => n.Kind == "workOrder.escalated" && n.Channel == "xinyu-wecom" && n.Recipient == "13900000000");
        Assert.Contains(escalated, n => n.Kind == "workOrder.escalated" && n.Channel == "xinyu-sms" && n.Recipient!.Contains("13900000000", StringComparison.Ordinal));
        Assert.DoesNotContain(escalated, n => n.Channel == "committee");

        _work.Clock.Advance(TimeSpan.FromMinutes(30));
        var second = await _work.SweepAsync();
        Assert.Contains(await QueueAsync(second.Alerts, second.Orders), n => n.Kind == "workOrder.escalated" && n.Channel == "committee");
    }

    [Fact]
    public async Task The_orders_delivery_log_lists_its_own_and_its_alerts_messages_with_mobiles_masked()
    {
        var (alerts, orders) = await _work.ApplyAsync(_work.Transition("charger-cut-off", "yikang-1", "yikang-1-a/charger-01/o2", TransitionKind.Raised, 71.5));
        var queued = await QueueAsync(alerts, orders);
        var order = Assert.Single(await _work.OrdersAsync());

        await using var db = _work.Db();
        var log = await DeliveriesApi.ForOrderAsync(db, order.Id, CancellationToken.None);

        Assert.Equal(queued.Select(n => n.MessageId).Order(), log.Select(d => d.MessageId).Order());
        Assert.Contains(log, d => d.Kind == "alert.raised" && d.Channel == "xinyu-sms" && d.Recipient == "138****0002" && d.Status == "queued");
        Assert.DoesNotContain(log, d => d.Recipient?.Contains("13800000002", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_recovery_is_sent_for_an_alert_that_was_sent_and_not_for_one_that_was_not()
    {
        var raised = await _work.ApplyAsync(_work.Transition("charger-cut-off", "yikang-1", "yikang-1-a/charger-01/o2", TransitionKind.Raised, 71.5));
        await QueueAsync(raised.Alerts, raised.Orders);
        _work.Clock.Advance(TimeSpan.FromMinutes(5));
        var cleared = await _work.ApplyAsync(_work.Transition("charger-cut-off", "yikang-1", "yikang-1-a/charger-01/o2", TransitionKind.Cleared));

        var recovered = (await QueueAsync(cleared.Alerts, cleared.Orders)).Where(n => n.Kind == "alert.recovered").ToList();
        Assert.Equal(["xinyu-sms", "xinyu-wecom"], recovered.Select(n => n.Channel).Order());
        Assert.All(recovered, n => Assert.Contains("【已恢复】", n.Text, StringComparison.Ordinal));

        // An alert that was never sent (nothing about it in the outbox) gets no recovery.
        var quiet = cleared.Alerts.Select(c => c with { Alert = new Alert { Id = 999_999, RuleKey = "x", Fault = "x", Subject = "x", AgentId = c.Alert.AgentId, CourtyardId = c.Alert.CourtyardId, Target = "x", Title = "x" } });
        Assert.DoesNotContain(await QueueAsync(quiet, []), n => n.Kind == "alert.recovered");
    }
}
