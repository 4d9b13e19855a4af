using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Demo.History;
using Iot.Cloud.Kernel;
using Iot.Cloud.Ratings;
using Iot.Cloud.Reports;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Demo;

/// <summary>One report the demo's residents make in a replayed week, and the committee's rating of its repair.</summary>
/// <param name="After">How long after the week's start it is made.</param>
/// <param name="Category">The report form's category (<c>lamp</c>, <c>drain</c>, ...).</param>
/// <param name="Text">What the resident writes.</param>
/// <param name="Score">The rating of the repair, 1 (poor) to 5.</param>
/// <param name="Remark">The rating's remark: the resident's word, as the committee heard it.</param>
public sealed record ResidentReport(TimeSpan After, string Category, string Text, int Score, string Remark);

/// <summary>What one round of the demo residents did, by order number.</summary>
public sealed record ResidentRound(List<string> Reported, List<string> Confirmed, List<string> Rated);

/// <summary>
/// The residents of a replayed week (run with the demo staff, <c>Demo:Staff</c>, when <c>Demo:HistoryDays</c> is set): a few report a fault from the
/// courtyard's QR code at the week's time (<see cref="ReportsApi.SaveAsync"/>, as the form does), the demo staff work
/// the order, the resident confirms the repair with the tracking code (<see cref="ResidentConfirmation"/>), and the
/// residents' committee rates it (<see cref="RepairRatings"/>, in the name of its demo account: ratings are the
/// community's in this system). Their reports go to courtyards of that community whose party has demo staff. Nothing
/// happens without a replayed week.
/// </summary>
public sealed class DemoResidents(IServiceScopeFactory scopes, TimeProvider time, SiteRegistry registry, HistoryClock? history = null)
{
    /// <summary>The week's reports: mostly good repairs, one poor.</summary>
    public static IReadOnlyList<ResidentReport> Week { get; } =
    [
        new(TimeSpan.FromHours(30), "lamp", "楼道口的路灯不亮了，晚上看不清台阶", 5, "当天就修好了，谢谢师傅"),
        new(TimeSpan.FromHours(58), "drain", "排水沟堵了，下雨以后一直积水", 4, "修好了，希望以后常来清理"),
        new(TimeSpan.FromHours(96), "gate", "单元门关不上，门锁坏了", 2, "修了很久，第二天门还是关不严"),
        new(TimeSpan.FromHours(124), "lamp", "车棚旁边的路灯一闪一闪的", 5, "来得很快，态度也好"),
    ];

    /// <summary>How long after a repair is reported fixed the resident confirms it on the tracking page.</summary>
    public static readonly TimeSpan ConfirmAfter = TimeSpan.FromHours(2);

    /// <summary>How long after the order closed the committee rates the repair.</summary>
    public static readonly TimeSpan RateAfter = TimeSpan.FromHours(1);

    /// <summary>The demo account that rates repairs: the first community supervisor (张主任 of the residents' committee).</summary>
    public static string Committee { get; } = DemoAccounts.All.First(a => a.Role == StaffRole.CommunitySupervisor).UserName;

    private static readonly string? CommitteeCommunity = DemoAccounts.All.First(a => a.Role == StaffRole.CommunitySupervisor).Community;

    private bool _done;

    /// <summary>The report key of the week's report <paramref name="index"/>: one report each, however often a round runs.</summary>
    public static string KeyOf(DateTimeOffset weekStart, int index) => $"demo-week-{weekStart.ToUnixTimeSeconds()}-{index}";

    /// <summary>Does what is due now: reports, confirmations and ratings.</summary>
    public async Task<ResidentRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        var round = new ResidentRound([], [], []);
        var now = time.GetUtcNow();

        // Called at every move of the replay's clock: nothing to look up before the first report or after the last rating.
        if (history is not { } week || _done || now < week.Start + Week[0].After)
        {
            return round;
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var work = services.GetRequiredService<Work>();
        var orders = services.GetRequiredService<WorkOrderService>();
        var keys = Week.Select((_, i) => KeyOf(week.Start, i)).ToList();
        var ours = await work.Db.WorkOrders.Where(w => w.ReportKey != null && keys.Contains(w.ReportKey)).ToListAsync(cancellationToken);
        for (var i = 0; i < Week.Count; i++)
        {
            var at = week.Start + Week[i].After;
            if (at <= now && at < week.Ends && !ours.Any(o => o.ReportKey == keys[i]) && Courtyards() is { Count: > 0 } courtyards)
            {
                // Spread over the community's courtyards, a different one each time.
                var body = new ReportRequest(courtyards[i * 7 % courtyards.Count], Week[i].Category, Week[i].Text, Key: keys[i]);
                var saved = await ReportsApi.SaveAsync(body, work, orders, services.GetRequiredService<ReportLimits>(), cancellationToken);
                if (saved.Receipt is { } receipt)
                {
                    round.Reported.Add(receipt.Number);
                }
            }
        }

        foreach (var order in ours.Where(o => o.Status == WorkOrderStatus.Fixed && o.FixedAt + ConfirmAfter <= now))
        {
            if (await ResidentConfirmation.ConfirmAsync(order.TrackingCode!, work, orders, cancellationToken) == ConfirmOutcome.Confirmed)
            {
                round.Confirmed.Add(order.Number);
            }
        }

        var rated = await work.Db.Ratings.Where(r => r.By == Committee).Select(r => r.WorkOrderId).ToListAsync(cancellationToken);
        var due = ours.Where(o => o.ClosedAt + RateAfter <= now && !rated.Contains(o.Id)).ToList();
        if (due.Count > 0 && await DemoStaff.ScopeOfAsync(services, Committee, registry) is { } committee)
        {
            foreach (var order in due.Where(o => committee.Order(o.PartyId, o.CourtyardId)))
            {
                var report = Week[keys.IndexOf(order.ReportKey!)];
                if (await RepairRatings.RateAsync(work.Db, order, Committee, report.Score, report.Remark, order.ClosedAt!.Value + RateAfter, cancellationToken) is not null)
                {
                    round.Rated.Add(order.Number);
                    rated.Add(order.Id);
                }
            }

            await work.Db.SaveChangesAsync(cancellationToken);
        }

        _done = Week.Select((r, i) => (r, i)).Where(x => week.Start + x.r.After < week.Ends)
            .All(x => ours.FirstOrDefault(o => o.ReportKey == keys[x.i]) is { } order && rated.Contains(order.Id));
        return round;
    }

    // The committee's community's courtyards whose party has demo staff (so the reports are worked), in a fixed order.
    private List<string> Courtyards() =>
        registry.Current?.Site.Courtyards
            .Where(c => c.Community.Id.Value == CommitteeCommunity && c.Courtyard.Responsible is { } party && DemoStaff.StaffOf(party.Value) is not null)
            .Select(c => c.Courtyard.Id.Value).Order(StringComparer.Ordinal).ToList() ?? [];
}
