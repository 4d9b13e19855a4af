using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.WorkOrders;

/// <summary>
/// Alerts and work orders on a real, migrated database (SQLite or PostgreSQL) with the sample site registered and a
/// fake clock: the same services the cloud runs, driven by rule transitions the test makes.
/// </summary>
public sealed class WorkHarness : IAsyncDisposable
{
    private readonly Func<CloudDb> _open;
    private readonly List<CloudDb> _contexts = [];

    private WorkHarness(Func<CloudDb> open, FakeTimeProvider clock)
    {
        _open = open;
        Clock = clock;
        var registry = new SiteRegistry();
        registry.Publish(SampleSite.Registry, clock.GetUtcNow());
        Registry = registry;
        Alerts = new AlertService(clock, Options.Create(new AlertOptions()));
        Orders = new WorkOrderService(clock, Options.Create(new WorkOrderOptions()), Options.Create(new AlertOptions()), registry);
        Rules = SampleSite.Rules();
    }

    public FakeTimeProvider Clock { get; }

    public SiteRegistry Registry { get; }

    public AlertService Alerts { get; }

    public WorkOrderService Orders { get; }

    public RuleSet Rules { get; }

    public static async Task<WorkHarness> StartAsync(Func<CloudDb> open, DateTimeOffset start)
    {
        var harness = new WorkHarness(open, new FakeTimeProvider(start));
        await using var db = open();
        await db.Database.MigrateAsync();
        await RegistryWriter.WriteAsync(db, SampleSite.Registry, start, CancellationToken.None);

        // A worker of the company that answers for the Yikang Road courtyards, and the street office.
        db.Users.Add(new Account { UserName = "xinyu-li", DisplayName = "李师傅", Role = StaffRole.PropertyStaff, PartyId = "xinyu-property", CreatedBy = "test" });
        db.Users.Add(new Account { UserName = "street-chen", DisplayName = "陈科员", Role = StaffRole.StreetAdmin, CreatedBy = "test" });
        await db.SaveChangesAsync();
        return harness;
    }

    /// <summary>A fresh context, as each request or batch gets.</summary>
    public CloudDb Db()
    {
        var db = _open();
        _contexts.Add(db);
        return db;
    }

    public RuleTransition Transition(string ruleKey, string courtyard, string subject, TransitionKind kind, double? value = null)
    {
        var about = Subject.TryParse(subject, out var parsed) ? parsed.Value : throw new ArgumentException($"'{subject}' is not a subject", nameof(subject));
        var where = CourtyardId.Parse(courtyard);
        return new RuleTransition(Rules.Find(where, ruleKey)!, subject, about.Agent, about.Device, about.Outlet, where, kind, Clock.GetUtcNow(), value);
    }

    /// <summary>Applies transitions the way the rule runner does: alerts, then work orders, then saves.</summary>
    public async Task<(List<AlertChange> Alerts, List<WorkOrderChange> Orders)> ApplyAsync(params RuleTransition[] transitions)
    {
        await using var db = _open();
        var alertChanges = await Alerts.ApplyAsync(db, transitions, CancellationToken.None);
        await db.SaveChangesAsync();
        var orderChanges = await Orders.OnAlertChangesAsync(db, alertChanges, CancellationToken.None);
        await db.SaveChangesAsync();
        return (alertChanges, orderChanges);
    }

    /// <summary>A person confirms an alert, as <c>POST /api/alerts/{id}/acknowledge</c> does: the alert, then its work order.</summary>
    public async Task<List<WorkOrderChange>> AcknowledgeAsync(long alertId, string by)
    {
        await using var db = _open();
        var alert = await db.Alerts.SingleAsync(a => a.Id == alertId);
        var change = AlertService.Acknowledge(db, alert, by, null, Clock.GetUtcNow());
        Assert.NotNull(change);
        var orderChanges = await Orders.OnAlertChangesAsync(db, [change], CancellationToken.None);
        await db.SaveChangesAsync();
        return orderChanges;
    }

    /// <summary>The periodic sweep, with telemetry evidence answered by <paramref name="evidence"/>.</summary>
    public async Task<(List<AlertChange> Alerts, List<WorkOrderChange> Orders)> SweepAsync(Func<WorkOrder, bool>? evidence = null)
    {
        await using var db = _open();
        var alertChanges = await Alerts.SweepAsync(db, CancellationToken.None);
        await db.SaveChangesAsync();
        var orderChanges = await Orders.OnAlertChangesAsync(db, alertChanges, CancellationToken.None);
        var swept = await Orders.SweepAsync(db, o => Task.FromResult(evidence?.Invoke(o) ?? true), CancellationToken.None);
        orderChanges.AddRange(swept.Orders);
        alertChanges.AddRange(swept.ClosedAlerts);
        await db.SaveChangesAsync();
        return (alertChanges, orderChanges);
    }

    public async Task<List<WorkOrder>> OrdersAsync()
    {
        await using var db = _open();
        return await db.WorkOrders.AsNoTracking().OrderBy(w => w.Id).ToListAsync();
    }

    public async Task<List<Alert>> AlertsAsync()
    {
        await using var db = _open();
        return await db.Alerts.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    public async Task<WorkOrderChange> MoveAsync(long id, WorkOrderStatus to, string by = "李师傅", string? note = null, string? assignee = null)
    {
        await using var db = _open();
        var order = await db.WorkOrders.SingleAsync(w => w.Id == id);
        var (change, refusal) = Orders.Transition(db, order, to, by, note, assignee);
        Assert.True(change is not null, refusal?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync();
        return change!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var db in _contexts)
        {
            await db.DisposeAsync();
        }
    }
}
