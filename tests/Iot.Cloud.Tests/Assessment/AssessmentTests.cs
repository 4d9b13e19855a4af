using Iot.Cloud.Assessment;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Patrols;
using Iot.Cloud.Ratings;
using Iot.Cloud.Reports;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Assessment;

/// <summary>
/// The monthly assessment on a seeded November, counted by hand; the committee's sign-off; notices and exit reviews as
/// the months go by on a fake clock. On SQLite and on PostgreSQL (see the subclasses).
/// </summary>
public abstract class AssessmentTests : IAsyncLifetime
{
    // 10:00 on 1 December in Kunming: November has ended there.
    protected static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    protected static readonly DateOnly November = new(2026, 11, 1);

    // November in Kunming (UTC+8): from 31 October 16:00 UTC to 30 November 16:00 UTC.
    protected static readonly DateTimeOffset NovemberStart = new(2026, 10, 31, 16, 0, 0, TimeSpan.Zero);

    protected AssessmentHarness H { get; private set; } = null!;

    protected abstract Task<Func<CloudDb>> DatabaseAsync();

    public async Task InitializeAsync() => H = await AssessmentHarness.StartAsync(await DatabaseAsync(), Now);

    public virtual async Task DisposeAsync() => await H.DisposeAsync();

    // 昆明馨宇物业 in November, critical orders (acknowledge within 30 min, fix within 240 min), minutes after creation:
    //   1: acknowledged 10, fixed 90, rated 5 and 4      2: acknowledged 20, fixed 150, rated 3
    //   3: acknowledged 45 (late), fixed 330 (late), reopened, reported by a resident who pressed 还没修好 twice
    //   4: acknowledged 5, not fixed (past due at the month's end)   5: not acknowledged, reported by a resident
    // Left out: a cancelled November order, an order of 31 October 23:30 in Kunming, the cable works' order and its complaint.
    // Patrol: a daily plan for yikang-1 since 11 November; walked 11 to 26 November, not 27 to 30: 20 rounds due, 16 done,
    // 4 missed. Five rounds each found the broken lock of one of orders 1 to 5: 5 problems found, 3 fixed (orders 1 to 3).
    //
    // By hand: raised 5, acknowledged 4, fixed 3; median acknowledgement (nearest rank of 5, 10, 20, 45) 10 min, median
    // fix (90, 150, 330) 150 min; overdue 3 (orders 3, 4, 5) = 0.6; reopened 1 = 0.2; ratings 3, average 4.0;
    // resident reports 2; complaints 2.
    // Points: on time 25 × 0.4 = 10; holding 10 × 0.8 = 8; ratings 10 × 3 / 4 = 7.5; complaints 10 − 4 = 6;
    // rounds 10 × 16 / 20 = 8; findings 5 × 3 / 5 = 3. Record 42.5 of 70; unscored 42.5 / 70 × 100 = 60.7 (需整改);
    // with the committee's 70: 42.5 + 21 = 63.5 (需整改).
    private async Task SeedNovemberAsync()
    {
        await using var db = H.Db();
        var start = NovemberStart.AddDays(9);
        var orders = new List<(WorkOrder Order, int[] Scores)>
        {
            (Order("yikang-1", "xinyu-property", start, 10, 90, WorkOrderSource.Staff), [5, 4]),
            (Order("yikang-1", "xinyu-property", start.AddDays(1), 20, 150, WorkOrderSource.Alert), [3]),
            (Order("yikang-1", "xinyu-property", start.AddDays(2), 45, 330, WorkOrderSource.Resident, reopened: 1), []),
            (Order("yikang-1", "xinyu-property", start.AddDays(3), 5, null, WorkOrderSource.Staff), []),
            (Order("yikang-1", "xinyu-property", start.AddDays(4), null, null, WorkOrderSource.Resident), []),
            (Order("yikang-1", "xinyu-property", start.AddDays(5), null, null, WorkOrderSource.Staff, cancelled: true), []),
            (Order("yikang-1", "xinyu-property", NovemberStart.AddMinutes(-30), null, null, WorkOrderSource.Resident), []),
            (Order("yikang-6", "cable-works", start, null, null, WorkOrderSource.Resident), []),
        };
        db.WorkOrders.AddRange(orders.Select(o => o.Order));
        await db.SaveChangesAsync();

        var by = 0;
        foreach (var (order, scores) in orders)
        {
            db.Ratings.AddRange(scores.Select(s => new WorkOrderRating { WorkOrderId = order.Id, PartyId = order.PartyId, By = $"rater-{by++}", Score = s, At = order.FixedAt!.Value.AddHours(1) }));
        }

        var third = orders[2].Order;
        foreach (var at in new[] { third.CreatedAt.AddHours(6), third.CreatedAt.AddHours(30) })
        {
            db.AuditLog.Add(AuditEntry.Of(at, "resident", "workOrder", third.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), NotFixedWord.Action, "not fixed yet"));
        }

        db.AuditLog.Add(AuditEntry.Of(start.AddHours(3), "resident", "workOrder", orders[^1].Order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), NotFixedWord.Action, "not fixed yet"));

        var planned = NovemberStart.AddDays(10); // 11 November 00:00 in Kunming
        db.PatrolPlans.Add(new PatrolPlan { BlockId = "yikang-north", CommunityId = "yikang-road", Frequency = PatrolFrequency.Daily, Courtyards = [CourtyardId.Parse("yikang-1")], Items = ["gate-lock"], Since = planned, UpdatedAt = planned, UpdatedBy = "yikang-zhang" });
        for (var day = 0; day < 16; day++)
        {
            var finding = day < 5 ? orders[day].Order.Id : (long?)null;
            db.PatrolRounds.Add(new PatrolRound
            {
                Key = $"november-round-{day:D2}-0123456789", CourtyardId = CourtyardId.Parse("yikang-1"), BlockId = "yikang-north", CommunityId = "yikang-road", PartyId = "xinyu-property",
                By = "yikang-hu", ByRole = StaffRole.Volunteer, WalkedAt = planned.AddDays(day).AddHours(10), ReceivedAt = planned.AddDays(day).AddHours(10), Failed = finding is null ? 0 : 1,
                Checks = [new PatrolCheck { Item = "gate-lock", Ok = finding is null, WorkOrderId = finding, Note = finding is null ? null : "门锁坏了" }],
            });
        }

        await db.SaveChangesAsync();
    }

    private static WorkOrder Order(string courtyard, string party, DateTimeOffset created, int? ack, int? fix, WorkOrderSource source, int reopened = 0, bool cancelled = false) => new()
    {
        Number = $"WO-seed-{courtyard}-{created:MMddHHmm}", Source = source,
        Status = cancelled ? WorkOrderStatus.Cancelled : fix is null ? WorkOrderStatus.InProgress : WorkOrderStatus.Closed,
        CourtyardId = CourtyardId.Parse(courtyard), PartyId = party, Fault = "seed", Subject = $"{courtyard}/seed-{created:MMddHHmm}", Target = "gate",
        Severity = Severity.Critical, Title = "院门锁坏了", CreatedAt = created, CreatedBy = "test", AckDueAt = created.AddMinutes(30), FixDueAt = created.AddMinutes(240),
        AcknowledgedAt = ack is { } a ? created.AddMinutes(a) : null, FixedAt = fix is { } f ? created.AddMinutes(f) : null,
        ClosedAt = fix is { } c ? created.AddMinutes(c + 10) : null, ReopenCount = reopened, CancelledAt = cancelled ? created.AddHours(1) : null,
        VerifiedVia = fix is null ? null : Verification.Community, RecoveredAt = fix is { } r ? created.AddMinutes(r) : null,
    };

    [Fact]
    public async Task The_assessment_of_a_seeded_month_matches_the_hand_count()
    {
        await SeedNovemberAsync();

        var sheet = (await H.DoAsync(db => H.Service.ComputeAsync(db, "xinyu-property", November, "system", CancellationToken.None)))!;

        Assert.Equal((5, 4, 3), (sheet.Raised, sheet.Acknowledged, sheet.Fixed));
        Assert.Equal((10.0, 150.0), (sheet.MedianAckMinutes, sheet.MedianFixMinutes));
        Assert.Equal((3, 0.6), (sheet.Overdue, sheet.OverdueShare));
        Assert.Equal((1, 0.2), (sheet.Reopened, sheet.ReopenRate));
        Assert.Equal((3, 4.0), (sheet.Ratings, sheet.AverageRating));
        Assert.Equal((2, 2), (sheet.ResidentReports, sheet.Complaints));
        Assert.Equal((20, 16, 4, 5, 3), (sheet.RoundsDue, sheet.RoundsDone, sheet.RoundsMissed, sheet.FindingsRaised, sheet.FindingsFixed));
        Assert.Equal(42.5, sheet.RecordScore);
        Assert.Equal(60.7, sheet.Score);
        Assert.Equal(Grade.NeedsRectification, sheet.Grade);

        var scored = (await H.DoAsync(db => H.Service.ScoreAsync(db, "xinyu-property", November, 70, "夜间巡查不到位", "yikang-zhang", CancellationToken.None)))!;
        Assert.Equal(63.5, scored.Score);
        Assert.Equal(Grade.NeedsRectification, scored.Grade);

        await using var read = H.Db();
        var stored = await read.AssessmentSheets.AsNoTracking().SingleAsync(s => s.PartyId == "xinyu-property" && s.Month == November);
        Assert.Equal((63.5, 70, "夜间巡查不到位"), (stored.Score, stored.CommitteeScore, stored.Remarks));
    }

    [Fact]
    public async Task Signing_off_is_audited_and_fixes_the_grade()
    {
        await SeedNovemberAsync();
        var signed = await H.ScoreAndSignAsync("xinyu-property", November, 70);
        Assert.Null(signed.Refusal);
        Assert.Null(signed.Notice); // the first 需整改 month opens nothing

        // Later thresholds, a late order and another score change nothing on a signed sheet.
        await H.StrictThresholdsAsync();
        await using (var db = H.Db())
        {
            db.WorkOrders.Add(Order("yikang-1", "xinyu-property", NovemberStart.AddDays(20), null, null, WorkOrderSource.Staff));
            await db.SaveChangesAsync();
        }

        var again = (await H.DoAsync(db => H.Service.ScoreAsync(db, "xinyu-property", November, 0, null, "yikang-zhang", CancellationToken.None)))!;
        Assert.True(again.IsSigned);
        Assert.Equal((5, 70, 63.5, Grade.NeedsRectification), (again.Raised, again.CommitteeScore, again.Score, again.Grade));
        var twice = await H.DoAsync(db => H.Service.SignAsync(db, "xinyu-property", November, "yikang-zhang", CancellationToken.None));
        Assert.NotNull(twice.Refusal);

        await using var read = H.Db();
        var audit = await read.AuditLog.AsNoTracking().Where(a => a.Entity == "assessment" && a.EntityId == "xinyu-property/2026-11").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["computed", "scored", "refreshed", "signed"], audit.Select(a => a.Action));
        Assert.Equal("yikang-zhang", audit[^1].Actor);
        Assert.Equal(Now, audit[^1].At);
        Assert.Contains("NeedsRectification", audit[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_month_cannot_be_signed_off_before_it_ends_in_the_sites_zone()
    {
        var december = new DateOnly(2026, 12, 1);
        var refused = await H.DoAsync(async db =>
        {
            await H.Service.ScoreAsync(db, "xinyu-property", december, 80, null, "yikang-zhang", CancellationToken.None);
            return await H.Service.SignAsync(db, "xinyu-property", december, "yikang-zhang", CancellationToken.None);
        });
        Assert.Equal("the month has not ended yet", refused.Refusal);
    }

    [Fact]
    public async Task Two_consecutive_months_needing_rectification_open_a_notice()
    {
        await H.StrictThresholdsAsync();
        var october = await H.ScoreAndSignAsync("cable-works", November.AddMonths(-1), 50);
        Assert.Equal(Grade.NeedsRectification, october.Sheet!.Grade);
        Assert.Null(october.Notice);

        var november = await H.ScoreAndSignAsync("cable-works", November, 50, "门禁维修太慢");
        Assert.Equal(Grade.NeedsRectification, november.Sheet!.Grade);

        await using var db = H.Db();
        var notice = await db.RectificationNotices.AsNoTracking().Include(n => n.Items).SingleAsync();
        Assert.Equal(("cable-works", NoticeReason.TwoNeedsRectification, November), (notice.PartyId, notice.Reason, notice.Month));
        Assert.Equal(Now.AddDays(30), notice.Deadline);
        Assert.Equal((NoticeItemKind.Remarks, "门禁维修太慢"), (notice.Items.Single().Kind, notice.Items.Single().Text));
        Assert.Single(await db.AuditLog.AsNoTracking().Where(a => a.Entity == "notice" && a.Action == "opened" && a.EntityId == "cable-works").ToListAsync());
    }

    [Fact]
    public async Task One_unsatisfactory_month_opens_a_notice_listing_the_weak_figures()
    {
        await SeedNovemberAsync();
        await H.StrictThresholdsAsync();
        var signed = await H.ScoreAndSignAsync("xinyu-property", November, 40);

        Assert.Equal(Grade.Unsatisfactory, signed.Sheet!.Grade);
        Assert.Equal(NoticeReason.Unsatisfactory, signed.Notice!.Reason);
        Assert.Equal(
            [(NoticeItemKind.Overdue, "3 / 5"), (NoticeItemKind.Reopened, "1 / 5"), (NoticeItemKind.Complaints, "2"), (NoticeItemKind.PatrolMissed, "4 / 20"), (NoticeItemKind.FindingsOpen, "2 / 5")],
            signed.Notice.Items.Select(i => (i.Kind, i.Text)));
    }

    [Fact]
    public async Task A_notice_not_closed_by_its_deadline_opens_an_exit_review_once()
    {
        await H.StrictThresholdsAsync();
        await H.ScoreAndSignAsync("cable-works", November, 0);
        await H.ScoreAndSignAsync("xinyu-property", November, 0);
        await using (var db = H.Db())
        {
            // The committee closes Xinyu's notice in time; the cable works' runs out.
            var xinyu = await db.RectificationNotices.Include(n => n.Items).SingleAsync(n => n.PartyId == "xinyu-property");
            H.Service.Close(db, xinyu, "已整改，复查合格", "yikang-zhang");
            await db.SaveChangesAsync();
        }

        H.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Empty((await H.DoAsync(db => H.Service.SweepAsync(db, CancellationToken.None))).Reviews);

        H.Clock.Advance(TimeSpan.FromMinutes(1));
        var review = Assert.Single((await H.DoAsync(db => H.Service.SweepAsync(db, CancellationToken.None))).Reviews);
        Assert.Equal(("cable-works", ExitReason.NoticeOverdue), (review.PartyId, review.Reason));
        Assert.Empty((await H.DoAsync(db => H.Service.SweepAsync(db, CancellationToken.None))).Reviews);

        await using var read = H.Db();
        Assert.Single(await read.ExitReviews.AsNoTracking().ToListAsync());
        var opened = await read.AuditLog.AsNoTracking().SingleAsync(a => a.Entity == "exitReview" && a.Action == "opened");
        Assert.Equal(("system", "cable-works", Now.AddDays(30)), (opened.Actor, opened.EntityId, opened.At));
    }

    [Fact]
    public async Task Three_unsatisfactory_months_in_a_row_open_an_exit_review()
    {
        await H.StrictThresholdsAsync();
        Assert.Null((await H.ScoreAndSignAsync("cable-works", November.AddMonths(-2), 0)).Review);
        Assert.Null((await H.ScoreAndSignAsync("cable-works", November.AddMonths(-1), 0)).Review);
        var third = await H.ScoreAndSignAsync("cable-works", November, 0);

        Assert.Equal((ExitReason.ThreeUnsatisfactory, November), (third.Review!.Reason, third.Review.Month));
        await using var db = H.Db();
        Assert.Equal(3, await db.RectificationNotices.CountAsync(n => n.PartyId == "cable-works"));
        Assert.Single(await db.ExitReviews.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task The_sweep_computes_last_months_sheets_once_the_month_has_ended_in_the_sites_zone()
    {
        var december = November.AddMonths(1);
        var parties = SampleSite.Registry.Site.Manifest.Parties.Where(p => p.Kind is Iot.Protocol.Sites.PartyKind.PropertyCompany or Iot.Protocol.Sites.PartyKind.OwningUnit)
            .Select(p => p.Id.Value).Order(StringComparer.Ordinal).ToList();
        Assert.DoesNotContain("yikang-rc", parties);

        // 23:59 on 31 December in Kunming: November is the last month that has ended.
        H.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 31, 15, 59, 0, TimeSpan.Zero));
        Assert.Equal(parties.Count, (await H.DoAsync(d => H.Service.SweepAsync(d, CancellationToken.None))).Computed);
        await using var db = H.Db();
        Assert.Empty(await db.AssessmentSheets.AsNoTracking().Where(s => s.Month == december).ToListAsync());

        // 00:01 on 1 January in Kunming (still 31 December in UTC): every property company and owning unit gets December's, once.
        H.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(parties.Count, (await H.DoAsync(d => H.Service.SweepAsync(d, CancellationToken.None))).Computed);
        Assert.Equal(parties, (await db.AssessmentSheets.AsNoTracking().Where(s => s.Month == december).Select(s => s.PartyId).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await H.DoAsync(d => H.Service.SweepAsync(d, CancellationToken.None))).Computed);
    }
}

public sealed class SqliteAssessmentTests : AssessmentTests
{
    private readonly string _file = TestDatabases.NewSqliteFile("assess");

    protected override Task<Func<CloudDb>> DatabaseAsync() => Task.FromResult(TestDatabases.Sqlite(_file));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }
}

public sealed class PostgresAssessmentTests(PostgresFixture postgres) : AssessmentTests, IClassFixture<PostgresFixture>
{
    protected override Task<Func<CloudDb>> DatabaseAsync() => TestDatabases.PostgresAsync(postgres.Server, "assess");
}
