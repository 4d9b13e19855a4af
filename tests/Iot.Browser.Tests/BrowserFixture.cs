using System.Net;
using System.Net.Http.Json;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// One real cloud on a loopback port (Kestrel), fed by a real Mosquitto broker, and one headless Debian Chromium
/// driven by Playwright, shared by the browser tests. Each test opens its own browser context (its own cookies).
/// A fixture for one kind of test (the guided tour) derives from it to change a few settings and get a cloud of its own.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string Password = "browser-test-password";

    // How long any page action, navigation or expectation may wait. A deadline only matters when a test fails; a sign-in
    // on a machine with a load average near 50 took over 30 s to reach the next page.
    private static readonly TimeSpan PageWait = Patience.Seconds(90);

    private readonly string _data = Directory.CreateTempSubdirectory("iot-browser-").FullName;
    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;
    private readonly List<IBrowserContext> _contexts = [];

    // Each cloud's warnings (the level the fixture logs at) by its address, for a failure message that says what the
    // cloud saw (the tour has a cloud of its own beside the shared one).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FakeLogCollector> s_cloudLogs = new();

    public MosquittoBroker Broker { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The cloud's business time: the system's until a test moves it forward.</summary>
    public ShiftedClock Clock { get; } = new();

    /// <summary>Settings this fixture's cloud adds to (or changes in) the shared ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>();

    /// <summary>The cloud's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The cloud's services (its signing key, for an agent that must trust it).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Where screenshots go: test-results/screenshots (kept as test artifacts).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(RepoPaths.Of("test-results", "screenshots")).FullName;

    /// <summary>
    /// Whether this run remakes the committed pictures the READMEs show (<c>IOT_UPDATE_SCREENS=1</c>): docs/screens and
    /// docs/tour. Otherwise they go under test-results/screenshots too, so a run leaves the working tree as it was.
    /// </summary>
    public static bool UpdateDocs { get; } = Environment.GetEnvironmentVariable("IOT_UPDATE_SCREENS") == "1";

    /// <summary>Where the pictures of docs/<paramref name="folder"/> go in this run (see <see cref="UpdateDocs"/>).</summary>
    public static string DocFolder(string folder) =>
        Directory.CreateDirectory(UpdateDocs ? RepoPaths.Of("docs", folder) : Path.Combine(Screenshots, folder)).FullName;

    /// <summary>Where the screenshots the READMEs link to go: docs/screens when remade (<see cref="UpdateDocs"/>).</summary>
    public static string DocScreens { get; } = DocFolder("screens");

    public async Task InitializeAsync()
    {
        Broker = await MosquittoBroker.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:ClientId"] = "iot-cloud-browser-test",
            ["Broker:SharedGroup"] = "",
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_data, "cloud.db")}",
            ["TimeSeries:Backend"] = "Sqlite",
            ["TimeSeries:SqlitePath"] = Path.Combine(_data, "timeseries.db"),
            ["Signing:KeyFile"] = Path.Combine(_data, "keys", "cloud-signing.pem"),
            ["Sites:Folder"] = RepoPaths.SampleSite,
            ["Ingest:MaxBatchDelay"] = "00:00:00.010",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Demo:SeedAccounts"] = "true",
            ["Demo:Password"] = Password,

            // Every test signs in a few people from 127.0.0.1; the limit per address is tested in Iot.Cloud.Tests.
            ["Auth:SignInAttemptsPerMinute"] = "1000",

            // A failed lamp becomes a work order at once, so the test does not wait ten minutes.
            ["WorkOrders:CreateAfter:Major"] = "00:00:00",

            // Every report comes from 127.0.0.1; the resident tests send many.
            ["Reports:PerClientPerHour"] = "1000",
            ["Reports:FreeReportsPerClient"] = "1000",
            ["Reports:PerCourtyardPerHour"] = "1000",
        };
        foreach (var (key, value) in MoreSettings)
        {
            settings[key] = value;
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));

            // Passwords at the test cost: the same hash at fewer rounds.
            web.ConfigureServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = TestPasswords.HashIterations));

            web.ConfigureLogging(logging => logging.AddFakeLogging());
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        BaseUrl = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        s_cloudLogs[BaseUrl.Authority] = _factory.Services.GetFakeLogCollector();

        // Expect(...) assertions wait 5 s by default, too short on a busy machine: as long as every other wait.
        Assertions.SetDefaultExpectTimeout((float)PageWait.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// A fresh browser context (no cookies): a phone when <paramref name="phone"/>, else a desktop screen. It stays open
    /// until <see cref="RunAsync"/> ends the test, so the live feeds of one test's pages do not load the next.
    /// </summary>
    public Task<IPage> NewPageAsync(bool phone = false) => NewPageAsync(phone ? 390 : 1366);

    /// <summary>A fresh browser context <paramref name="width"/> px wide (a phone below 600), in English when asked (the language cookie set).</summary>
    public async Task<IPage> NewPageAsync(int width, bool english = false)
    {
        var phone = width < 600;
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = phone ? 844 : 900 },
            DeviceScaleFactor = 1,
            IsMobile = phone,
            HasTouch = phone,
            Locale = english ? "en-GB" : "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        if (english)
        {
            await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = ".AspNetCore.Culture", Value = "c%3Den%7Cuic%3Den", Url = BaseUrl.ToString() }]);
        }

        // Every wait is bounded, and only by what the test waits for (an element, a text, a URL), never by the network
        // going idle: the console keeps a live feed open. Generous, since a deadline only matters when a test fails.
        context.SetDefaultTimeout((float)PageWait.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)PageWait.TotalMilliseconds);
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return await context.NewPageAsync();
    }

    /// <summary>Runs one browser test within a bound, then closes every page it opened.</summary>
    public async Task RunAsync(Func<Task> test)
    {
        try
        {
            await test().WaitAsync(Patience.Seconds(180));
        }
        finally
        {
            List<IBrowserContext> open;
            lock (_contexts)
            {
                open = [.. _contexts];
                _contexts.Clear();
            }

            foreach (var context in open)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>Signs in through the sign-in page, as a person would.</summary>
    public static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync(user);
        await page.GetByLabel("密码").FillAsync(Password);
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/login", StringComparison.Ordinal));
        if (answer.Status != (int)HttpStatusCode.Found)
        {
            // Say why, rather than time out waiting for a page that will not come.
            var said = await page.Locator("#login-error").AllInnerTextsAsync();
            throw new InvalidOperationException($"signing in as {user} was answered {answer.Status}: {string.Join(" ", said)}");
        }

        // Only until the next page is committed: what a test does next waits for the element it needs, not for the load.
        // A session the cloud did not accept sends the browser back to the sign-in page (with a ReturnUrl): that ends the
        // wait too, and the failure says what the cloud logged rather than timing out.
        await page.WaitForURLAsync(
            url => !url.Contains("/login", StringComparison.Ordinal) || url.Contains("ReturnUrl", StringComparison.OrdinalIgnoreCase),
            new() { WaitUntil = WaitUntilState.Commit });
        if (page.Url.Contains("/login", StringComparison.Ordinal))
        {
            var warnings = s_cloudLogs.GetValueOrDefault(new Uri(page.Url).Authority)?.GetSnapshot().TakeLast(10).Select(r => $"{r.Level} {r.Category}: {r.Message}") ?? [];
            throw new InvalidOperationException($"signed in as {user}, but the next page sent the browser back to {page.Url}. The cloud's last warnings:\n{string.Join('\n', warnings)}");
        }
    }

    /// <summary>Saves a full-page screenshot as test-results/screenshots/<paramref name="name"/>.png.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>Saves a full-page screenshot as docs/screens/<paramref name="name"/>.png, for the READMEs.</summary>
    public static Task DocScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DocScreens, name + ".png"), FullPage = true });

    /// <summary>An API client signed in as <paramref name="user"/>, for setting up data.</summary>
    public async Task<HttpClient> ApiAsync(string user)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = BaseUrl };
        using var response = await http.PostAsJsonAsync("/api/session", new { userName = user, password = Password });
        response.EnsureSuccessStatusCode();
        return http;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
