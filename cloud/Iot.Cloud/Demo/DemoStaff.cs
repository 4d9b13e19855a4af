using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Demo.History;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Demo;

/// <summary>What one round of the demo staff did.</summary>
/// <param name="Taken">Orders taken (接单), by number.</param>
/// <param name="Fixed">Orders reported fixed, by number.</param>
public sealed record DemoRound(IReadOnlyList<string> Taken, IReadOnlyList<string> Fixed);

/// <summary>
/// The demo staff member of each party (the first demo account of a party role, e.g. 李师傅 for 馨宇物业): takes that
/// party's new orders from alerts after a short, per-order delay, and reports one in <see cref="DemoStaffOptions.FixOneIn"/>
/// fixed a little later. It moves orders exactly as the console's buttons do: the account's own scope and role checks,
/// <see cref="WorkOrderService.Transition"/> with the account as actor (so the order's audit trail names it), then
/// <see cref="OrdersChanged"/> and one save. The telemetry verifies the fixed ones as it does any other's.
/// Orders from residents and staff are left for the people trying the demo.
/// </summary>
public sealed class DemoStaff(IServiceScopeFactory scopes, IOptions<DemoStaffOptions> options, TimeProvider time, SiteRegistry registry, HistoryClock? history = null)
{
    /// <summary>The demo account that works <paramref name="party"/>'s orders, if there is one.</summary>
    public static string? StaffOf(string party) =>
        DemoAccounts.All.FirstOrDefault(a => a.Party == party && a.Role is StaffRole.PropertyStaff or StaffRole.UnitStaff).UserName;

    /// <summary>How long after it was opened the demo staff takes order <paramref name="id"/>: the same for an order every time.</summary>
    public TimeSpan AcknowledgeDelay(long id)
    {
        var o = options.Value;
        var spread = o.AcknowledgeMaxSeconds - o.AcknowledgeMinSeconds + 1;
        return TimeSpan.FromSeconds(o.AcknowledgeMinSeconds + (int)((id * 7919) % spread));
    }

    /// <summary>
    /// How long order <paramref name="order"/> waits to be taken: in a replayed week (opened before the history ended)
    /// minutes, some past the service level, as people answer; live, the demo's quick <see cref="AcknowledgeDelay(long)"/>.
    /// </summary>
    public TimeSpan AcknowledgeDelay(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!InHistory(order))
        {
            return AcknowledgeDelay(order.Id);
        }

        var o = options.Value;
        var spread = o.HistoryAcknowledgeMaxMinutes - o.HistoryAcknowledgeMinMinutes + 1;
        return TimeSpan.FromMinutes(o.HistoryAcknowledgeMinMinutes + (int)((order.Id * 7919) % spread));
    }

    /// <summary>Whether a taken <paramref name="order"/> is reported fixed, and how long after it was taken.</summary>
    public TimeSpan? FixDelay(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var o = options.Value;
        if (!InHistory(order))
        {
            return order.Id % o.FixOneIn == 0 ? TimeSpan.FromMinutes(o.FixAfterMinutes) : null;
        }

        // In the past week every order was fixed, within hours, but for some of the last six hours' still being worked on.
        // (A fixed order is verified by the telemetry and closes its alert: the live demo's faults then open orders of their own.)
        var recent = history is { } h && h.Ends - order.CreatedAt < TimeSpan.FromHours(6);
        return recent && order.Id % 2 == 0 ? null : TimeSpan.FromHours(0.5 + ((order.Id * 104729) % 100 / 100.0 * (o.HistoryFixMaxHours - 0.5)));
    }

    private bool InHistory(WorkOrder order) => history is { } h && order.CreatedAt < h.Ends;

    /// <summary>Does what is due now.</summary>
    public async Task<DemoRound> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var work = scope.ServiceProvider.GetRequiredService<Work>();
        var db = work.Db;
        var orders = scope.ServiceProvider.GetRequiredService<WorkOrderService>();

        // New orders, and reopened ones still assigned to a demo staff member (a fault that came back goes to whoever had it).
        // Alerts' orders always; residents' only in the replayed week, which nobody else works.
        var staffNames = DemoAccounts.All.Select(a => a.UserName).ToList();
        var weekEnds = history?.Ends ?? DateTimeOffset.MinValue;
        var ours = db.WorkOrders.Where(w => w.Source == WorkOrderSource.Alert || (w.Source == WorkOrderSource.Resident && w.CreatedAt < weekEnds));
        var waiting = await ours.Where(w => w.Status == WorkOrderStatus.New
                || (w.Status == WorkOrderStatus.Assigned && w.AcknowledgedAt == null && w.AssignedTo != null && staffNames.Contains(w.AssignedTo)))
            .ToListAsync(cancellationToken);
        var working = await ours
            .Where(w => w.Status == WorkOrderStatus.InProgress && w.AssignedTo != null && staffNames.Contains(w.AssignedTo))
            .ToListAsync(cancellationToken);

        var staff = new Dictionary<string, AccessScope?>(StringComparer.Ordinal);
        async Task<AccessScope?> ScopeOf(string party)
        {
            if (!staff.TryGetValue(party, out var found))
            {
                found = StaffOf(party) is { } name ? await ScopeOfAsync(scope.ServiceProvider, name, registry) : null;
                staff[party] = found;
            }

            return found;
        }

        var changes = new List<WorkOrderChange>();
        var taken = new List<string>();
        var fixedOnes = new List<string>();
        foreach (var order in waiting.Where(w => w.StartedAt + AcknowledgeDelay(w) <= now))
        {
            if (await ScopeOf(order.PartyId) is { } who && Move(orders, db, who, order, WorkOrderStatus.InProgress, null, When(order, order.StartedAt + AcknowledgeDelay(order))) is { } change)
            {
                changes.Add(change);
                taken.Add(order.Number);
            }
        }

        foreach (var order in working.Where(w => FixDelay(w) is { } delay && w.AcknowledgedAt + delay <= now))
        {
            if (await ScopeOf(order.PartyId) is { } who && who.Name == order.AssignedTo
                && Move(orders, db, who, order, WorkOrderStatus.Fixed, "演示：已到现场处理 / Demo: repaired on site", When(order, order.AcknowledgedAt!.Value + FixDelay(order)!.Value)) is { } change)
            {
                changes.Add(change);
                fixedOnes.Add(order.Number);
            }
        }

        if (changes.Count > 0)
        {
            await work.RaiseAsync(new OrdersChanged(changes), cancellationToken);
            await work.SaveAsync(cancellationToken);
        }

        return new DemoRound(taken, fixedOnes);
    }

    /// <summary>A demo account's scope from its real claims, as its sign-in cookie would carry them; null without the account.</summary>
    internal static async Task<AccessScope?> ScopeOfAsync(IServiceProvider services, string userName, SiteRegistry registry)
    {
        var users = services.GetRequiredService<UserManager<Account>>();
        var principals = services.GetRequiredService<IUserClaimsPrincipalFactory<Account>>();
        return await users.FindByNameAsync(userName) is { } account ? AccessScope.Of(await principals.CreateAsync(account), registry.Current?.Site) : null;
    }

    // The checks the status endpoint makes for a person (the order in their scope, their role allows the move), then the move.
    private static WorkOrderChange? Move(WorkOrderService orders, CloudDb db, AccessScope who, WorkOrder order, WorkOrderStatus to, string? note, DateTimeOffset? at) =>
        who.Order(order.PartyId, order.CourtyardId) && WorkOrderRoles.Refusal(who, order, to) is null
            ? orders.Transition(db, order, to, who.Name!, note, at: at).Change
            : null;

    // On a replayed week's clock a round comes a while after the moment a person would have acted: the move is dated then.
    private DateTimeOffset? When(WorkOrder order, DateTimeOffset due) => InHistory(order) ? due : null;
}
