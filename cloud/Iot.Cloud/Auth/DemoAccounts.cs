using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;

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
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedAccounts)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        foreach (var (name, role, party, community, display) in All)
        {
            if (await users.FindByNameAsync(name) is not null)
            {
                continue;
            }

            var (_, problems) = await accounts.CreateAsync(new AccountRequest(name, options.Value.Password, role, party, community, display), "demo");
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
