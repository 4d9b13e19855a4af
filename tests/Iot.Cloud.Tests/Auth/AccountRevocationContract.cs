using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications;
using Iot.Cloud.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Auth;

/// <summary>
/// Issue 20, accounts: the street office (and the committee, for its volunteers) disables, changes and resets
/// accounts, and each change takes effect at once: the account's open cookie session is refused at its next request,
/// its open live stream is closed, and the change is in the audit log with who, what, old and new (never a password).
/// Run on SQLite and on PostgreSQL.
/// </summary>
public abstract class AccountRevocationContract(RevocationCloud fixture)
{
    private CloudHost Cloud => fixture.Cloud;

    [Fact]
    public async Task A_disabled_accounts_open_session_is_refused_and_its_live_stream_closes()
    {
        var (name, password) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var session = await fixture.SignInAsync(name, password);
        using var live = new LiveWatch(await fixture.SignInAsync(name, password));
        await live.ConnectedAsync();
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);

        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);
        using var disabled = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Disable", new() { ["userName"] = name });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        await live.EndedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);
        Assert.Equal(0, Cloud.Get<AccountSessions>().OpenFor(name));
        Assert.Contains(await AuditAsync(name), a => a is { Action: "disabled", Actor: CloudHost.StreetAdmin });
    }

    [Fact]
    public async Task A_role_change_ends_the_session_and_the_stream_and_the_next_sign_in_carries_the_new_role()
    {
        var (name, password) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var session = await fixture.SignInAsync(name, password);
        using var live = new LiveWatch(await fixture.SignInAsync(name, password));
        await live.ConnectedAsync();

        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);
        using var changed = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = name, ["role"] = "CompanySupervisor", ["party"] = "xinyu-property" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains($"账号 {name} 已修改", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await live.EndedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/session", UriKind.Relative))).StatusCode);
        using var again = await fixture.SignInAsync(name, password);
        var view = await again.GetFromJsonAsync<JsonElement>("/api/session");
        Assert.Equal("companySupervisor", view.GetProperty("role").GetString());
        var entry = Assert.Single(await AuditAsync(name), a => a.Action == "changed");
        Assert.Equal((CloudHost.StreetAdmin, "role PropertyStaff → CompanySupervisor"), (entry.Actor, entry.Detail));
    }

    [Fact]
    public async Task A_party_change_rescopes_the_account_it_no_longer_sees_the_old_partys_orders()
    {
        var (name, password) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var session = await fixture.SignInAsync(name, password);
        using var live = new LiveWatch(await fixture.SignInAsync(name, password));
        await live.ConnectedAsync();

        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);
        using var changed = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = name, ["role"] = "PropertyStaff", ["party"] = "anju-property" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        await live.EndedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);
        using var again = await fixture.SignInAsync(name, password);
        Assert.Equal("anju-property", (await again.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("party").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync(new Uri("/api/courtyards/yikang-1", UriKind.Relative))).StatusCode);
        Assert.Contains(await AuditAsync(name), a => a is { Action: "changed", Detail: "party xinyu-property → anju-property" });
    }

    [Fact]
    public async Task A_role_or_party_that_does_not_fit_is_refused_with_a_message_naming_the_field()
    {
        var (name, _) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);

        using var unit = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = name, ["role"] = "CompanySupervisor", ["party"] = "cable-works" });
        Assert.Equal(HttpStatusCode.BadRequest, unit.StatusCode);
        Assert.Contains("所属单位：物业主管账号要选一家物业公司。", await unit.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var volunteer = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = name, ["role"] = "Volunteer", ["party"] = "xinyu-property" });
        Assert.Equal(HttpStatusCode.BadRequest, volunteer.StatusCode);
        Assert.Contains("id=\"change-error\"", await volunteer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var own = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = CloudHost.StreetAdmin, ["role"] = "PropertyStaff", ["party"] = "xinyu-property" });
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.DoesNotContain(await AuditAsync(name), a => a.Action == "changed");
    }

    [Fact]
    public async Task A_password_reset_shows_a_temporary_password_once_and_the_account_must_choose_its_own_before_anything_else()
    {
        var (name, password) = await fixture.NewAccountAsync(StaffRole.UnitStaff, party: "cable-works");
        using var session = await fixture.SignInAsync(name, password);
        using var live = new LiveWatch(await fixture.SignInAsync(name, password));
        await live.ConnectedAsync();

        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);
        using var reset = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Reset", new() { ["userName"] = name });
        var page = await reset.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True(reset.Headers.CacheControl?.NoStore, "the temporary password must not be stored by a cache");
        var temporary = RevocationCloud.Temporary(page);
        Assert.DoesNotContain(temporary, await admin.GetStringAsync(new Uri("/admin/accounts", UriKind.Relative)), StringComparison.Ordinal);

        await live.EndedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);
        using (var old = Cloud.Anonymous())
        using (var refused = await old.PostAsJsonAsync("/api/session", new { userName = name, password }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Signed in with the temporary password, the account reaches nothing but the password page, and the API says so.
        using (var probe = new HttpClient { BaseAddress = fixture.Cloud.Http.BaseAddress })
        using (var answer = await probe.PostAsJsonAsync("/api/session", new { userName = name, password = temporary }))
        {
            var view = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(JsonValueKind.Null, view.GetProperty("role").ValueKind);
            Assert.True(view.GetProperty("mustChangePassword").GetBoolean());
        }

        using var person = await fixture.SignInAsync(name, temporary);
        Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);
        using (var console = await person.GetAsync(new Uri("/console", UriKind.Relative)))
        {
            Assert.True(console.Headers.Location?.OriginalString.Contains("/denied", StringComparison.Ordinal) == true, $"/console: {(int)console.StatusCode} {console.Headers.Location}");
        }

        using (var denied = await person.GetAsync(new Uri("/denied", UriKind.Relative)))
        {
            Assert.Equal("/account/password", denied.Headers.Location!.OriginalString);
        }

        Assert.Contains("id=\"password-required\"", await person.GetStringAsync(new Uri("/account/password", UriKind.Relative)), StringComparison.Ordinal);

        // A common password is refused with the reason; a good one lets the account in with its role.
        using var common = await RevocationCloud.PostFormAsync(person, "/account/password", "", new() { ["current"] = temporary, ["password"] = "woaini1314", ["repeat"] = "woaini1314" });
        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Contains("密码：这是最常见的密码之一", await common.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        const string chosen = "dianchi-west-gate-17";
        using var changed = await RevocationCloud.PostFormAsync(person, "/account/password", "", new() { ["current"] = temporary, ["password"] = chosen, ["repeat"] = chosen });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync(new Uri("/api/work-orders", UriKind.Relative))).StatusCode);
        using (var fresh = await fixture.SignInAsync(name, chosen))
        {
            Assert.Equal("unitStaff", (await fresh.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("role").GetString());
        }

        var audit = await AuditAsync(name);
        Assert.Contains(audit, a => a is { Action: "passwordReset", Actor: CloudHost.StreetAdmin });
        Assert.Contains(audit, a => a.Action == "passwordChanged" && a.Actor == name);
        Assert.DoesNotContain(audit, a => a.Detail is { } d && (d.Contains(temporary, StringComparison.Ordinal) || d.Contains(chosen, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_stamp_changed_by_another_process_closes_the_stream_at_its_next_heartbeat()
    {
        var (name, password) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var live = new LiveWatch(await fixture.SignInAsync(name, password));
        await live.ConnectedAsync();

        // As the command line does it: the database changes, this process's registry of streams is not told.
        await using (var scope = Cloud.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            await users.UpdateSecurityStampAsync((await users.FindByNameAsync(name))!);
        }

        Assert.Equal(1, Cloud.Get<AccountSessions>().OpenFor(name));
        await CloudHost.WaitUntilAsync(
            () =>
            {
                fixture.Clock.Advance(LiveApi.Heartbeat);
                return Task.FromResult(Cloud.Get<AccountSessions>().OpenFor(name) == 0);
            },
            "the stream to close at a heartbeat");
        await live.EndedAsync();
    }

    [Fact]
    public async Task The_committee_resets_and_moves_its_own_volunteers_and_nobody_else()
    {
        var team = await TeamAsync("yikang-road");

        var (volunteer, password) = await fixture.NewAccountAsync(StaffRole.Volunteer, community: "yikang-road");
        var (elsewhere, _) = await fixture.NewAccountAsync(StaffRole.Volunteer, community: "yongxing-road");
        var (staff, _) = await fixture.NewAccountAsync(StaffRole.PropertyStaff, party: "xinyu-property");
        using var session = await fixture.SignInAsync(volunteer, password);
        using var live = new LiveWatch(await fixture.SignInAsync(volunteer, password));
        await live.ConnectedAsync();
        using var committee = await fixture.SignInAsync("yikang-zhang", CloudHost.Password);

        using var moved = await RevocationCloud.PostFormAsync(committee, "/dashboard/volunteers", "Move", new() { ["userName"] = volunteer, ["role"] = "BuildingHead", ["block"] = "yikang-north", ["team"] = team.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await live.EndedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/session", UriKind.Relative))).StatusCode);
        Assert.Contains(await AuditAsync(volunteer), a => a is { Action: "changed", Actor: "yikang-zhang", Detail: { } d } && d.StartsWith("role Volunteer → BuildingHead; block — → yikang-north; team — → ", StringComparison.Ordinal));

        // Another community's block is not the committee's to give.
        using var foreignBlock = await RevocationCloud.PostFormAsync(committee, "/dashboard/volunteers", "Move", new() { ["userName"] = volunteer, ["role"] = "BuildingHead", ["block"] = "yongxing-east" });
        Assert.Equal(HttpStatusCode.BadRequest, foreignBlock.StatusCode);

        using var reset = await RevocationCloud.PostFormAsync(committee, "/dashboard/volunteers", "Reset", new() { ["userName"] = volunteer });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var temporary = RevocationCloud.Temporary(await reset.Content.ReadAsStringAsync());
        using (var person = await fixture.SignInAsync(volunteer, temporary))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await person.GetAsync(new Uri("/api/session", UriKind.Relative))).StatusCode);
        }

        Assert.Contains(await AuditAsync(volunteer), a => a is { Action: "passwordReset", Actor: "yikang-zhang" });

        // Not a volunteer, or another community's: as if it did not exist, and nothing changed.
        foreach (var (user, handler) in new[] { (staff, "Reset"), (staff, "Move"), (elsewhere, "Reset"), (elsewhere, "Move"), ("street-chen", "Reset") })
        {
            using var refused = await RevocationCloud.PostFormAsync(committee, "/dashboard/volunteers", handler, new() { ["userName"] = user, ["role"] = "Volunteer", ["block"] = "", ["team"] = "" });
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{handler} {user}: {(int)refused.StatusCode}");
            Assert.DoesNotContain(await AuditAsync(user), a => a.Action is "changed" or "passwordReset");
        }
    }

    [Fact]
    public async Task The_street_office_making_a_volunteer_a_building_head_keeps_its_team()
    {
        var team = await TeamAsync("yikang-road");
        var (name, _) = await fixture.NewAccountAsync(StaffRole.Volunteer, community: "yikang-road", team: team);
        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);

        using var changed = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Change", new() { ["userName"] = name, ["role"] = "BuildingHead", ["community"] = "yikang-road", ["block"] = "yikang-north" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await using var scope = Cloud.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<CloudDb>().Users.AsNoTracking().SingleAsync(u => u.UserName == name);
        Assert.Equal((StaffRole.BuildingHead, "yikang-north", (long?)team), (account.Role, account.BlockId, account.TeamId));
        Assert.Contains(await AuditAsync(name), a => a is { Action: "changed", Detail: "role Volunteer → BuildingHead; block — → yikang-north" });
    }

    [Theory]
    [InlineData("woaini1314", "密码：这是最常见的密码之一")]
    [InlineData("5201314520", "密码：这是最常见的密码之一")]
    [InlineData("qq12345678", "密码：这是最常见的密码之一")]
    [InlineData("zhangwei123456", "密码：这是最常见的密码之一")]
    [InlineData("1qaz2wsx3edc", "密码：这是最常见的密码之一")]
    [InlineData("QWERTYUIOP", "密码：这是最常见的密码之一")]
    [InlineData("my-wang-xiao-er-1", "密码：里面含有用户名")]
    public async Task A_common_password_or_one_with_the_user_name_is_refused_at_creation_with_the_reason(string password, string message)
    {
        using var admin = await fixture.SignInAsync(CloudHost.StreetAdmin, CloudHost.Password);

        using var refused = await RevocationCloud.PostFormAsync(admin, "/admin/accounts", "Create", new()
        {
            ["userName"] = "wang-xiao-er", ["role"] = "PropertyStaff", ["party"] = "xinyu-property", ["password"] = password,
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains(message, page, StringComparison.Ordinal);
        Assert.Matches("id=\"account-password\"[^>]*aria-invalid=\"true\"", page);
    }

    private async Task<long> TeamAsync(string community)
    {
        await using var scope = Cloud.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CloudDb>().VolunteerTeams.Where(t => t.CommunityId == community).Select(t => t.Id).FirstAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(string userName)
    {
        await using var scope = Cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        return await db.AuditLog.AsNoTracking().Where(a => a.Entity == "account" && a.EntityId == userName).OrderBy(a => a.Id).ToListAsync();
    }
}

public sealed class SqliteAccountRevocationTests(SqliteRevocationCloud fixture) : AccountRevocationContract(fixture), IClassFixture<SqliteRevocationCloud>;

public sealed class PostgresAccountRevocationTests(PostgresRevocationCloud fixture) : AccountRevocationContract(fixture), IClassFixture<PostgresRevocationCloud>;
