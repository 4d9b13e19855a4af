using Iot.Cloud.Alerts;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.Web.Dashboards;
using Iot.Protocol.Identifiers;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Web;

/// <summary>The dashboard's figures from recorded alerts and events, on the real cloud's database.</summary>
public sealed class SafetyFiguresTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    // Noon in Kunming: the week before it holds seven whole nights.
    private static readonly DateTimeOffset Noon = new(2026, 12, 8, 4, 0, 0, TimeSpan.Zero);

    private readonly string _data = broker.NewFolder("cloud");

    // No cloud session of an earlier test reaches this one's cloud.
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_lamp_dark_for_two_night_hours_lowers_its_blocks_night_availability_by_exactly_that_share()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        var site = cloud.Get<SiteRegistry>().Current!.Site;
        var sun = new SunClock(site.Manifest.Location.Lat, site.Manifest.Location.Lon, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var (sunrise, _) = sun.On(new DateOnly(2026, 12, 7));

        await using (var scope = cloud.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();

            // Only yikang-1's agent has ever reported (from three weeks back): only its four lamps are watched.
            db.Sequences.Add(new SequenceState { AgentId = AgentId.Parse("yikang-1-a"), BootId = "b0000000000000001", FirstSeen = Noon.AddDays(-21), UpdatedAt = Noon });

            // Dark from three hours before a sunrise until half an hour before it, when the night ends: 2.5 night hours.
            db.Alerts.Add(LampOut("yikang-1", "yikang-1-a/lamp-01", sunrise.AddHours(-3), sunrise.AddMinutes(-30)));

            // The same lamp, the same dark hours, reported by a second rule: counted once.
            db.Alerts.Add(LampOut("yikang-1", "yikang-1-a/lamp-01", sunrise.AddHours(-2.5), sunrise.AddHours(-1), "lamp-burnt-out"));

            // In daylight: no effect on availability at night.
            db.Alerts.Add(LampOut("yikang-1", "yikang-1-a/lamp-02", sunrise.AddHours(3), sunrise.AddHours(5)));
            foreach (var (kind, at) in new[] { ("gateForced", Noon.AddDays(-1)), ("gateHeldOpen", Noon.AddDays(-2)), ("drainHighWater", Noon.AddDays(-3)), ("chargerCutOff", Noon.AddDays(-4)), ("gateForced", Noon.AddDays(-9)) })
            {
                db.DeviceEvents.Add(new DeviceEventRecord { AgentId = AgentId.Parse("yikang-1-a"), BootId = "b0000000000000001", Seq = db.DeviceEvents.Local.Count + 1, CourtyardId = CourtyardId.Parse("yikang-1"), DeviceId = DeviceId.Parse("gate-01"), Kind = kind, At = at, ReceivedAt = at, Evaluated = true });
            }

            await db.SaveChangesAsync();
        }

        await using var read = cloud.Services.CreateAsyncScope();
        var picture = await read.ServiceProvider.GetRequiredService<SafetyFigures>().ComputeAsync(AccessScope.Everything, Noon, 2, CancellationToken.None);

        var block = picture.Blocks.Single(b => b.Block == "yikang-north");
        var lamps = site.Courtyards.Single(c => c.Courtyard.Id.Value == "yikang-1").Courtyard.Agents.SelectMany(a => a.Devices).Count(d => d.Kind == Iot.Protocol.Sites.DeviceKind.Streetlight);
        Assert.Equal(4, lamps);
        var nightHours = SafetyFigures.Nights(sun, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), Noon.AddDays(-7), Noon).Sum(n => (n.To - n.From).TotalHours);
        Assert.InRange(nightHours, 7 * 10, 7 * 13);
        Assert.Equal(Math.Round(1 - (2.5 / (lamps * nightHours)), 4), block.LampAvailability);
        Assert.Null(picture.Blocks.Single(b => b.Block == "yikang-south").LampAvailability);

        Assert.Equal(2, block.GateIncidents);
        Assert.Equal(1, block.HighWater);
        Assert.Equal(1, block.ChargerCutOffs);
        Assert.Equal(2, picture.Weeks.Count);
        Assert.Equal(1, picture.Weeks[0].GateIncidents);
        Assert.Equal(2, picture.Weeks[1].GateIncidents);

        // The three lamp alerts are cleared: no open hazard remains.
        Assert.Equal(0, block.OpenHazardTotal);
    }

    [Fact]
    public async Task A_company_sees_only_its_own_courtyards_in_the_figures()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data);
        await cloud.WaitReadyAsync();
        await using (var scope = cloud.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
            db.Alerts.Add(LampOut("yikang-6", "yikang-6-a/lamp-01", Noon.AddHours(-1), null));
            db.Alerts.Add(LampOut("yikang-1", "yikang-1-a/lamp-01", Noon.AddHours(-1), null));
            await db.SaveChangesAsync();
        }

        var xinyu = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "xinyu-li"), new(System.Security.Claims.ClaimTypes.Role, nameof(StaffRole.PropertyStaff)), new(StaffClaims.Party, "xinyu-property")], "test"));
        await using var read = cloud.Services.CreateAsyncScope();
        var picture = await read.ServiceProvider.GetRequiredService<SafetyFigures>().ComputeAsync(AccessScope.Of(xinyu, cloud.Get<SiteRegistry>().Site), Noon, 1, CancellationToken.None);

        Assert.Equal(["yikang-north", "yikang-south"], picture.Blocks.Select(b => b.Block));
        var north = picture.Blocks.Single(b => b.Block == "yikang-north");
        Assert.Equal(15, north.Courtyards);
        Assert.Equal(1, north.OpenHazards["streetlight"]);
    }

    private static Alert LampOut(string courtyard, string subject, DateTimeOffset raised, DateTimeOffset? cleared, string rule = "lamp-dark-at-night") => new()
    {
        RuleKey = rule, RuleVersion = 1, Fault = "lamp-out", Subject = subject, AgentId = AgentId.Parse(subject.Split('/')[0]), DeviceId = DeviceId.Parse(subject.Split('/')[1]), CourtyardId = CourtyardId.Parse(courtyard),
        Target = "streetlight", Severity = Severity.Major, Status = cleared is null ? AlertStatus.Open : AlertStatus.Cleared, Title = "夜间路灯不亮",
        RaisedAt = raised, LastRaisedAt = raised, ClearedAt = cleared, ClosedAt = cleared, Count = 1,
    };
}
