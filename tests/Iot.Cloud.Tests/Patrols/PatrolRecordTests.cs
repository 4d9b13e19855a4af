using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Patrols;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.Tests.WorkOrders;
using Iot.Cloud.Volunteers;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Tests.Patrols;

/// <summary>
/// Patrol plans, rounds, findings and the figures of rounds and volunteers on a real database, SQLite and PostgreSQL
/// (the subclasses), with a fake clock: what the supervision record and the community's recognition count.
/// </summary>
public abstract class PatrolRecordTests : IAsyncLifetime
{
    // Monday 7 December 2026, 09:00 in Kunming.
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    private WorkHarness H { get; set; } = null!;

    protected abstract Task<Func<CloudDb>> DatabaseAsync();

    public async Task InitializeAsync()
    {
        H = await WorkHarness.StartAsync(await DatabaseAsync(), Monday);
        await using var db = H.Db();
        db.Users.Add(new Account { UserName = "yikang-hu", DisplayName = "胡阿姨", Role = StaffRole.Volunteer, CommunityId = "yikang-road", CreatedBy = "test" });
        await db.SaveChangesAsync();
    }

    public virtual async Task DisposeAsync() => await H.DisposeAsync();

    private PatrolService Patrols => new(H.Orders, H.Registry, H.Clock);

    private static AccessScope Walker => AccessScope.Everything;

    private async Task<RoundReceipt> WalkAsync(string courtyard, DateTimeOffset at, string? key = null, params string[] failed)
    {
        await using var db = H.Db();
        var checks = new[] { "flying-wire", "drain-grate" }.Select(i => new CheckRequest(i, !failed.Contains(i), failed.Contains(i) ? $"{i} at {courtyard}" : null)).ToList();
        var (receipt, _, _, refusal) = await Patrols.SubmitAsync(db, Walker, null, new RoundRequest(key ?? Iot.Cloud.Reports.ReportKeys.New(), courtyard, at, checks), new Dictionary<string, ReducedPhoto>(), CancellationToken.None);
        await db.SaveChangesAsync(); // the caller saves, as the API's unit of work does
        Assert.True(receipt is not null, refusal is { } r ? FormattableString.Invariant(r.Problem) : null);
        return receipt;
    }

    [Fact]
    public async Task Rounds_due_walked_and_missed_findings_and_their_repairs_match_a_hand_count()
    {
        await using (var db = H.Db())
        {
            var (plan, refusal) = await Patrols.SavePlanAsync(db, Walker, "yikang-south", new PlanRequest(PatrolFrequency.Daily, ["yikang-100", "yikang-110"], ["flying-wire", "drain-grate"]), CancellationToken.None);
            Assert.True(plan is not null, refusal is { } r ? FormattableString.Invariant(r.Problem) : null);
        }

        // Tuesday: both walked, a blocked drain at yikang-100. Wednesday: yikang-100 with the drain again (the same order)
        // and flying wire, and yikang-110 (sent twice). Thursday: nobody.
        H.Clock.SetUtcNow(Monday.AddDays(1).AddHours(2));
        var first = await WalkAsync("yikang-100", H.Clock.GetUtcNow(), failed: "drain-grate");
        await WalkAsync("yikang-110", H.Clock.GetUtcNow());
        H.Clock.SetUtcNow(Monday.AddDays(2).AddHours(2));
        var second = await WalkAsync("yikang-100", H.Clock.GetUtcNow(), null, "drain-grate", "flying-wire");
        Assert.Equal(first.Findings.Single().WorkOrderId, second.Findings.Single(f => f.Item == "drain-grate").WorkOrderId);
        Assert.True(second.Findings.Single(f => f.Item == "flying-wire").New);

        // The same round sent again (a resend from the phone) is not a second round.
        var resent = await WalkAsync("yikang-110", H.Clock.GetUtcNow(), "resend-key-0123456789");
        Assert.Equal(resent.Id, (await WalkAsync("yikang-110", H.Clock.GetUtcNow(), "resend-key-0123456789")).Id);

        // The drain is cleared and confirmed by the volunteer.
        await using (var db = H.Db())
        {
            var drain = await db.WorkOrders.SingleAsync(w => w.Id == first.Findings[0].WorkOrderId);
            Assert.Equal((WorkOrderSource.Patrol, Severity.Major, "xinyu-property"), (drain.Source, drain.Severity, drain.PartyId));
            H.Orders.Transition(db, drain, WorkOrderStatus.InProgress, "xinyu-li", null);
            H.Orders.Transition(db, drain, WorkOrderStatus.Fixed, "xinyu-li", null);
            var (confirmed, refusal) = await H.Orders.ConfirmAsync(db, drain, "yikang-hu", Verification.Volunteer, null, CancellationToken.None);
            Assert.True(confirmed is not null, refusal is null ? null : FormattableString.Invariant(refusal));
            await db.SaveChangesAsync();
        }

        H.Clock.SetUtcNow(Monday.AddDays(4)); // Friday 09:00: Tuesday to Thursday are over
        await using var read = H.Db();
        var record = new PatrolRecord(H.Registry);
        var byBlock = Assert.Single(await record.ComputeAsync(read, Monday, H.Clock.GetUtcNow(), byBlock: true, _ => true, null, CancellationToken.None));
        // 2 courtyards × 3 whole days = 6 due; walked: Tuesday both, Wednesday both (yikang-110's sent twice, one round) → 4.
        Assert.Equal(("yikang-south", 6, 4, 2), (byBlock.Key, byBlock.Due, byBlock.Done, byBlock.Missed));
        Assert.Equal((4, 3, 2), (byBlock.Rounds, byBlock.Findings, byBlock.FindingsFixed)); // findings: drain twice (its order repaired), wire once

        var byParty = await record.ComputeAsync(read, Monday, H.Clock.GetUtcNow(), byBlock: false, _ => true, null, CancellationToken.None);
        Assert.Equal((3, 2, 1), byParty.Where(f => f.Key == "xinyu-property").Select(f => (f.Due, f.Done, f.Missed)).Single());
        Assert.Equal((3, 2, 1), byParty.Where(f => f.Key == "second-construction").Select(f => (f.Due, f.Done, f.Missed)).Single());

        // The volunteer's month: the confirmation counts for 胡阿姨 (the rounds were the street office's here).
        var month = await new VolunteerRecord(read).MonthAsync(AccessScope.Everything, Monday.AddDays(-6), Monday.AddDays(25), CancellationToken.None);
        var hu = Assert.Single(month.Helpers);
        Assert.Equal(("yikang-hu", 0, 1), (hu.UserName, hu.Rounds, hu.Confirmations));

        // A company's people have no community: the volunteers' record is none of theirs.
        var staff = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "xinyu-li"), new(System.Security.Claims.ClaimTypes.Role, nameof(StaffRole.PropertyStaff)), new(StaffClaims.Party, "xinyu-property")], "test"));
        var theirs = await new VolunteerRecord(read).MonthAsync(AccessScope.Of(staff, H.Registry.Site), Monday.AddDays(-6), Monday.AddDays(25), CancellationToken.None);
        Assert.Empty(theirs.Helpers);
    }

    [Fact]
    public void A_week_is_Monday_to_Sunday_in_Kunming_and_only_whole_periods_count()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var from = Monday.AddHours(3); // Monday 12:00: that week is not whole
        var weeks = PatrolRecord.Periods(PatrolFrequency.Weekly, from, from.AddDays(15), zone).ToList();
        var next = new DateTimeOffset(2026, 12, 13, 16, 0, 0, TimeSpan.Zero); // Monday 14 December 00:00 in Kunming
        Assert.Equal([(next, next.AddDays(7))], weeks);
        Assert.Single(PatrolRecord.Periods(PatrolFrequency.Daily, from, from.AddDays(2), zone)); // Monday noon to Wednesday noon: Tuesday
    }
}

public sealed class SqlitePatrolRecordTests : PatrolRecordTests
{
    private readonly string _file = TestDatabases.NewSqliteFile("patrol");

    protected override Task<Func<CloudDb>> DatabaseAsync() => Task.FromResult(TestDatabases.Sqlite(_file));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }
}

public sealed class PostgresPatrolRecordTests(PostgresFixture postgres) : PatrolRecordTests, IClassFixture<PostgresFixture>
{
    protected override Task<Func<CloudDb>> DatabaseAsync() => TestDatabases.PostgresAsync(postgres.Server, "patrol");
}
