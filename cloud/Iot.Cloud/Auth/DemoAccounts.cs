using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Auth;

/// <summary>
/// With <c>Demo:SeedAccounts=true</c> (./run.sh, tests) creates one account per role for the sample site at start,
/// after the schema is migrated. Off by default: a production database never gets accounts with a known password.
/// </summary>
public sealed partial class DemoAccounts(IServiceScopeFactory scopes, IOptions<DemoOptions> options, ILogger<DemoAccounts> logger) : IHostedService
{
    /// <summary>The demo accounts: one per role, plus a second property worker so work can be assigned to a teammate.</summary>
    public static IReadOnlyList<(string UserName, StaffRole Role, string? Party, string? Community, string DisplayName)> All { get; } =
    [
        ("xinyu-li", StaffRole.PropertyStaff, "xinyu-property", null, "李师傅"),
        ("xinyu-liu", StaffRole.PropertyStaff, "xinyu-property", null, "刘师傅"),
        ("xinyu-wang", StaffRole.CompanySupervisor, "xinyu-property", null, "王经理"),
        ("cable-zhao", StaffRole.UnitStaff, "cable-works", null, "赵科长"),
        ("yikang-zhang", StaffRole.CommunitySupervisor, null, "yikang-road", "张主任"),
        ("street-chen", StaffRole.StreetAdmin, null, null, "陈科员"),
        ("yikang-hu", StaffRole.Volunteer, null, "yikang-road", "胡阿姨"),
        ("yikang-ma", StaffRole.BuildingHead, null, "yikang-road", "马大爷"),
    ];

    /// <summary>The demo volunteer team of 益康路 (its volunteer and building head are members) and 永兴帮帮团.</summary>
    public static IReadOnlyList<(string Community, string Name)> Teams { get; } = [("yikang-road", "益康路志愿服务队"), ("yongxing-road", "永兴帮帮团")];

    /// <summary>The demo building head's block.</summary>
    public const string BuildingHeadBlock = "yikang-north";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedAccounts)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        foreach (var (community, team) in Teams)
        {
            if (!await db.VolunteerTeams.AnyAsync(t => t.CommunityId == community && t.Name == team, cancellationToken))
            {
                db.VolunteerTeams.Add(new VolunteerTeam { CommunityId = community, Name = team, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "demo" });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        foreach (var (name, role, party, community, display) in All)
        {
            if (await users.FindByNameAsync(name) is not null)
            {
                continue;
            }

            var helper = role is StaffRole.Volunteer or StaffRole.BuildingHead;
            var teamId = helper ? await db.VolunteerTeams.Where(t => t.CommunityId == community).Select(t => (long?)t.Id).FirstOrDefaultAsync(cancellationToken) : null;
            var (_, problems) = await accounts.CreateAsync(
                new AccountRequest(name, options.Value.Password, role, party, community, display, role == StaffRole.BuildingHead ? BuildingHeadBlock : null, teamId), "demo");
            if (problems.Count > 0)
            {
                throw new InvalidOperationException($"demo account {name}: {string.Join("; ", problems)}");
            }
        }

        LogSeeded(logger, All.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo:SeedAccounts is on: {Count} demo accounts with the demo password exist. Never use this in production.")]
    private static partial void LogSeeded(ILogger logger, int count);
}
