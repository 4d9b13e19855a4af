using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Tests.Support;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Auth;

/// <summary>
/// One cloud served by Kestrel on a loopback port (so the live stream is a real HTTP stream), on SQLite or on a
/// private PostgreSQL cluster, for the tests that revoke accounts. Each test makes its own accounts.
/// </summary>
public abstract partial class RevocationCloud : IAsyncLifetime
{
    private readonly BrokerFixture _broker = new();
    private int _accounts;

    public CloudHost Cloud { get; private set; } = null!;

    /// <summary>
    /// The cloud's clock. It stands still unless a test moves it, so the live stream's heartbeat (its own re-check of
    /// the stamp) never fires by itself: a stream that closes closed because the account change told it to.
    /// </summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), await DatabaseAsync(), clock: Clock, kestrel: true);
        await Cloud.WaitReadyAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }

    /// <summary>The database settings (none: the host's SQLite file).</summary>
    protected abstract Task<Dictionary<string, string?>> DatabaseAsync();

    /// <summary>A new account, made as the street office would; its password passes the policy.</summary>
    public async Task<(string Name, string Password)> NewAccountAsync(StaffRole role, string? party = null, string? community = null, string? block = null, long? team = null)
    {
        var name = $"t{Interlocked.Increment(ref _accounts)}-{role.ToString().ToLowerInvariant()}";
        var password = $"Kunming-{Guid.NewGuid():N}"[..20];
        await using var scope = Cloud.Services.CreateAsyncScope();
        var (account, problems) = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(new AccountRequest(name, password, role, party, community, null, block, team), CloudHost.StreetAdmin);
        Assert.True(account is not null, string.Join("; ", problems));
        return (name, password);
    }

    /// <summary>A client with its own cookie jar (redirects not followed), signed in with the given password.</summary>
    public async Task<HttpClient> SignInAsync(string user, string password)
    {
        // A plain client on the Kestrel port, as a browser without script: its own cookies, redirects seen.
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Cloud.Http.BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/session", new { userName = user, password });
        Assert.True(response.IsSuccessStatusCode, $"signing in as {user}: {(int)response.StatusCode}");
        return client;
    }

    /// <summary>Posts a page's form with the antiforgery token of the page at <paramref name="page"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        fields["__RequestVerificationToken"] = TokenInput().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"no antiforgery token on {page}");
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri(handler is "" ? page : $"{page}?handler={handler}", UriKind.Relative), form);
    }

    /// <summary>The temporary password a reset showed on the page.</summary>
    public static string Temporary(string html) =>
        TemporaryCode().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no temporary password on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<code translate=\"no\" class=\"big\">([A-Za-z0-9]+)</code>")]
    private static partial Regex TemporaryCode();
}

public sealed class SqliteRevocationCloud : RevocationCloud
{
    protected override Task<Dictionary<string, string?>> DatabaseAsync() => Task.FromResult(new Dictionary<string, string?> { ["Auth:SignInAttemptsPerMinute"] = "10000" });
}

public sealed class PostgresRevocationCloud : RevocationCloud
{
    private PostgresServer? _server;

    protected override async Task<Dictionary<string, string?>> DatabaseAsync()
    {
        _server = await PostgresServer.StartAsync();
        return new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = await _server.CreateDatabaseAsync("revocation"),
            ["Broker:ClientId"] = "iot-cloud-test-revocation-pg",
            ["Auth:SignInAttemptsPerMinute"] = "10000",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Reads <c>/api/live</c> line by line and says when the server ended it.</summary>
public sealed class LiveWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    public LiveWatch(HttpClient client) => _reading = ReadAsync(client);

    public Task ConnectedAsync() => _connected.Task.WaitAsync(Patience.Of(CloudHost.DefaultWait));

    /// <summary>Completes when the server has closed the stream (fails if it is still open after the default wait).</summary>
    public Task EndedAsync() => _reading.WaitAsync(Patience.Of(CloudHost.DefaultWait));

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line == ": connected")
            {
                _connected.TrySetResult();
            }
        }

        _connected.TrySetException(new InvalidOperationException("/api/live ended before it said it was connected"));
    }
}
