using System.Globalization;
using System.Net.Http.Json;
using Iot.Cloud.Alerts;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Ratings;
using Iot.Cloud.Rules;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Supervision;

/// <summary>
/// The real cloud on a fake clock with a week of work orders seeded in the Yikang Road community, counted by hand:
/// five for 昆明馨宇物业 (critical: acknowledge within 30 min, fix within 240 min), three of them rated, and one
/// for 昆明电缆厂宿舍管理科 that nobody has acknowledged (nothing to measure but its lateness).
/// </summary>
public sealed class ServiceRecordCloud : IAsyncLifetime
{
    /// <summary>Noon in Kunming; the seeded week is the seven days before it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 8, 4, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset From = Now.AddDays(-7);

    private readonly BrokerFixture _broker = new();

    public FakeTimeProvider Clock { get; } = new(Now);

    public CloudHost Cloud { get; private set; } = null!;

    /// <summary>The CSV of the seeded week, grouped as asked.</summary>
    public static string CsvUrl(string groupBy) =>
        $"/api/supervision/csv?groupBy={groupBy}&from={Uri.EscapeDataString(From.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(Now.ToString("O", CultureInfo.InvariantCulture))}";

    // Signs in as a browser does (the cookie), in the language the person chose on the pages.
    public async Task<HttpClient> SignedInAsync(string user, bool english)
    {
        var client = Cloud.Anonymous();
        using var signIn = await client.PostAsJsonAsync("/api/session", new { userName = user, password = CloudHost.Password });
        signIn.EnsureSuccessStatusCode();
        if (english)
        {
            using var chosen = await client.GetAsync(new Uri("/lang/en?back=/dashboard", UriKind.Relative));
            chosen.EnsureSuccessStatusCode();
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), clock: Clock);
        await Cloud.WaitReadyAsync();
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }

    // Minutes after creation: acknowledged, fixed (and confirmed by); times reopened; the ratings' scores.
    //   10, 90 (1.5 h, the community) rated 5 and 4 | 20, 150 (2.5 h, the sensors) rated 3
    //   45 (late), 330 (5.5 h, late, the reporting resident), reopened once | 5, not fixed (past its fix time by the end)
    //   not acknowledged. A 6-hour maintenance window in yikang-1 (Xinyu's).
    // Acknowledged 4: sorted 5, 10, 20, 45, median (2nd) 10 min, 90 % (4th) 45 min. Fixed 3: sorted 90, 150, 330,
    // median 2.5 h, 90 % 5.5 h. Overdue 3 of 5 = 60 %; reopened 1 of 5 = 20 %; ratings 3, average (5 + 4 + 3) / 3 = 4.0.
    private async Task SeedAsync()
    {
        (int? Ack, int? Fix, Verification? Via, int Reopen, int[] Scores)[] xinyu =
            [(10, 90, Verification.Community, 0, [5, 4]), (20, 150, Verification.Telemetry, 0, [3]), (45, 330, Verification.Resident, 1, []), (5, null, null, 0, []), (null, null, null, 0, [])];
        await using var scope = Cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var orders = new List<(WorkOrder Order, int[] Scores)>();
        var i = 0;
        foreach (var (ack, fix, via, reopen, scores) in xinyu)
        {
            orders.Add((Order("yikang-1", "xinyu-property", From.AddHours(12 + (i++ * 20)), ack, fix, via, reopen), scores));
        }

        orders.Add((Order("yikang-6", "cable-works", From.AddDays(2), null, null, null, 0), []));
        db.MaintenanceWindows.Add(new MaintenanceWindow { CourtyardId = CourtyardId.Parse("yikang-1"), From = From.AddHours(30), Until = From.AddHours(36), Reason = "更换大门", CreatedBy = "xinyu-wang", CreatedAt = From.AddHours(30) });
        db.WorkOrders.AddRange(orders.Select(o => o.Order));
        await db.SaveChangesAsync();

        var by = 0;
        foreach (var (order, scores) in orders)
        {
            foreach (var score in scores)
            {
                db.Ratings.Add(new WorkOrderRating { WorkOrderId = order.Id, PartyId = order.PartyId, By = $"rater-{by++}", Score = score, At = order.FixedAt!.Value.AddHours(1) });
            }
        }

        await db.SaveChangesAsync();
    }

    private static WorkOrder Order(string courtyard, string party, DateTimeOffset created, int? ack, int? fix, Verification? via, int reopen) => new()
    {
        Number = $"WO-seed-{courtyard}-{created:MMddHHmm}", Source = WorkOrderSource.Staff, Status = fix is null ? WorkOrderStatus.InProgress : WorkOrderStatus.Closed,
        CourtyardId = CourtyardId.Parse(courtyard), PartyId = party, Fault = "seed", Subject = $"{courtyard}/seed-{created:MMddHHmm}", Target = "gate",
        Severity = Severity.Critical, Title = "院门锁坏了", CreatedAt = created, CreatedBy = "test", AckDueAt = created.AddMinutes(30), FixDueAt = created.AddMinutes(240),
        AcknowledgedAt = ack is { } a ? created.AddMinutes(a) : null, FixedAt = fix is { } f ? created.AddMinutes(f) : null,
        ClosedAt = fix is { } c ? created.AddMinutes(c + 10) : null, ReopenCount = reopen,
        VerifiedVia = via, RecoveredAt = fix is { } r ? created.AddMinutes(r) : null,
    };
}

/// <summary>The CSV and the pages read the same seeded cloud.</summary>
[CollectionDefinition(Name)]
public sealed class SharedServiceRecord : ICollectionFixture<ServiceRecordCloud>
{
    public const string Name = "service record";
}
