using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;

namespace Iot.Cloud;

/// <summary>
/// <c>iot-cloud accounts ...</c>: create the first street-office account (and any other) without the web page, on the
/// same database and site settings as the service. Passwords come from standard input, never from the command line.
/// <code>
/// echo 'a long passphrase' | iot-cloud accounts add chen --role streetAdmin --name 陈科员
/// echo 'a long passphrase' | iot-cloud accounts add li --role propertyStaff --party xinyu-property
/// iot-cloud accounts list | password NAME | reset NAME | disable NAME | enable NAME
/// iot-cloud accounts change li --role companySupervisor --party xinyu-property
/// </code>
/// A change made here ends the account's sessions at their next request, and its live streams at their next
/// heartbeat (this process cannot reach the service's open streams directly).
/// </summary>
public static class AccountsCommand
{
    private static readonly string[] Options = ["--role", "--party", "--community", "--block", "--name"];

    private static readonly string[] Verbs = ["add", "list", "password", "reset", "disable", "enable", "change"];

    public static bool Matches(string[] args) => args is ["accounts", ..];

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var (verb, user, named, settings) = Parse(args.Skip(1).ToList());
        if (!Verbs.Contains(verb) || (verb != "list" && user is null))
        {
            await output.WriteLineAsync("usage: iot-cloud accounts add NAME --role ROLE [--party PARTY] [--community COMMUNITY] [--block BLOCK] [--name DISPLAY] | change NAME --role ROLE [--party ..] [--community ..] [--block ..] | list | password NAME | reset NAME | disable NAME | enable NAME\n" +
                $"roles: {string.Join(", ", Enum.GetNames<StaffRole>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}; passwords are read from standard input");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. settings], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDataProtection();
        builder.AddDatabase();
        builder.AddSites();
        AuthSetup.AddAccounts(builder.Services, builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            return verb switch
            {
                "list" => await ListAsync(accounts, output),
                "password" => await FailAsync(output, [.. (await accounts.SetPasswordAsync(user!, await input.ReadLineAsync() ?? string.Empty, "command-line")).Select(p => p.Text)]),
                "reset" => await ResetAsync(accounts, user!, output),
                "disable" => await accounts.DisableAsync(user!, "command-line") ? 0 : await FailAsync(output, [$"there is no account '{user}'"]),
                "enable" => await accounts.EnableAsync(user!, "command-line") ? 0 : await FailAsync(output, [$"there is no account '{user}'"]),
                "change" => await ChangeAsync(accounts, user!, named, output),
                _ => await AddAsync(accounts, user!, named, await input.ReadLineAsync() ?? string.Empty, output),
            };
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<int> AddAsync(AccountService accounts, string user, Dictionary<string, string> named, string password, TextWriter output)
    {
        if (!Enum.TryParse<StaffRole>(named.GetValueOrDefault("--role"), ignoreCase: true, out var role))
        {
            return await FailAsync(output, [$"--role is one of {string.Join(", ", Enum.GetNames<StaffRole>())}"]);
        }

        var (account, problems) = await accounts.CreateAsync(
            new AccountRequest(user, password, role, named.GetValueOrDefault("--party"), named.GetValueOrDefault("--community"), named.GetValueOrDefault("--name"), named.GetValueOrDefault("--block")), "command-line");
        if (account is null)
        {
            return await FailAsync(output, [.. problems.Select(p => p.Text)]);
        }

        await output.WriteLineAsync($"created {account.UserName} ({account.Role} {account.PartyId ?? account.CommunityId})");
        return 0;
    }

    private static async Task<int> ResetAsync(AccountService accounts, string user, TextWriter output)
    {
        var (temporary, problems) = await accounts.ResetPasswordAsync(user, "command-line");
        if (temporary is null)
        {
            return await FailAsync(output, [.. problems.Select(p => p.Text)]);
        }

        await output.WriteLineAsync($"temporary password for {user} (shown once; they must choose their own at sign-in): {temporary}");
        return 0;
    }

    private static async Task<int> ChangeAsync(AccountService accounts, string user, Dictionary<string, string> named, TextWriter output)
    {
        if (!Enum.TryParse<StaffRole>(named.GetValueOrDefault("--role"), ignoreCase: true, out var role))
        {
            return await FailAsync(output, [$"--role is one of {string.Join(", ", Enum.GetNames<StaffRole>())}"]);
        }

        return await FailAsync(output, [.. (await accounts.ChangeAsync(user, new AccountScope(role, named.GetValueOrDefault("--party"), named.GetValueOrDefault("--community"), named.GetValueOrDefault("--block")), "command-line", keepTeam: true)).Select(p => p.Text)]);
    }

    private static async Task<int> ListAsync(AccountService accounts, TextWriter output)
    {
        foreach (var a in await accounts.ListAsync(CancellationToken.None))
        {
            var disabled = a.DisabledAt is null ? string.Empty : " DISABLED";
            await output.WriteLineAsync($"{a.UserName}\t{a.Role}\t{a.PartyId ?? a.CommunityId ?? "-"}\t{a.DisplayName}{disabled}");
        }

        return 0;
    }

    private static async Task<int> FailAsync(TextWriter output, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            await output.WriteLineAsync(problem);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    // accounts VERB [NAME] [--role X ...] [--Section:Key=value ...]: our options, and settings for configuration.
    private static (string? Verb, string? User, Dictionary<string, string> Named, List<string> Settings) Parse(List<string> args)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<string>();
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (Options.Contains(args[i]) && i + 1 < args.Count)
            {
                named[args[i]] = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                settings.Add(args[i]);
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        return (positional.ElementAtOrDefault(0), positional.ElementAtOrDefault(1), named, settings);
    }
}
