using System.Net.Http.Json;
using Iot.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Cloud.Tests.Support;

/// <summary>
/// The real cloud service hosted in the test process, on real services: an external broker (a Mosquitto fixture),
/// SQLite files in a data folder the test owns (so a second host on the same folder is a restart), and the
/// sample site's manifests unless told otherwise. The demo accounts are seeded; <see cref="Http"/> is signed in as the
/// street office (who may do everything), <see cref="ClientAsync"/> gives a client signed in as any demo account.
/// </summary>
public sealed class CloudHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>The demo accounts' password (the tests seed them).</summary>
    public const string Password = "demo-password-for-tests";

    /// <summary>The street office's demo account.</summary>
    public const string StreetAdmin = "street-chen";

    /// <summary>The address clients talk to: the Kestrel port when served on one, else the test server's.</summary>
    private readonly Uri _address;

    private CloudHost(WebApplicationFactory<Program> factory, string dataFolder, Uri? address)
    {
        _factory = factory;
        DataFolder = dataFolder;
        _address = address ?? factory.ClientOptions.BaseAddress;
        Http = factory.CreateDefaultClient(_address, new SignInHandler(StreetAdmin, Password));
    }

    /// <summary>An HTTP client for the API, signed in as the street office.</summary>
    public HttpClient Http { get; }

    /// <summary>A client with no account: a resident, or anyone on the internet.</summary>
    public HttpClient Anonymous(WebApplicationFactoryClientOptions? options = null)
    {
        options ??= new WebApplicationFactoryClientOptions();
        options.BaseAddress = _address;
        return _factory.CreateClient(options);
    }

    /// <summary>A client signed in as <paramref name="user"/> (signs in on its first request).</summary>
    /// <remarks>Redirects are not followed, so a page's refusal (a redirect to sign-in) can be seen.</remarks>
    public HttpClient Client(string user, string password = Password) => _factory.CreateDefaultClient(_address, new SignInHandler(user, password));

    /// <summary>A client signed in as <paramref name="user"/>, having checked that the sign-in works.</summary>
    public async Task<HttpClient> ClientAsync(string user, string password = Password)
    {
        var client = Client(user, password);
        using var check = await client.GetAsync(new Uri("/api/session", UriKind.Relative));
        check.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Where its SQLite files live.</summary>
    public string DataFolder { get; }

    /// <summary>Starts a cloud connected to the broker at <paramref name="brokerPort"/>.</summary>
    /// <param name="kestrel">Serve on a real loopback port (Kestrel parses the requests, as in production) instead of the in-memory test server.</param>
    /// <param name="services">Changes to the cloud's services, applied after its own (to wrap one of them).</param>
    /// <param name="productionPasswordHashing">Hash passwords at the production cost rather than <see cref="TestPasswords.HashIterations"/>.</param>
    public static Task<CloudHost> StartAsync(int brokerPort, string dataFolder, IDictionary<string, string?>? settings = null, string? clientId = null, TimeProvider? clock = null, bool kestrel = false, Action<IServiceCollection>? services = null, bool productionPasswordHashing = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:Port"] = brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:ClientId"] = clientId ?? "iot-cloud-test",
            ["Broker:SharedGroup"] = "",
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(dataFolder, "cloud.db")}",
            ["TimeSeries:Backend"] = "Sqlite",
            ["TimeSeries:SqlitePath"] = Path.Combine(dataFolder, "timeseries.db"),
            ["Signing:KeyFile"] = Path.Combine(dataFolder, "keys", "cloud-signing.pem"),
            ["Sites:Folder"] = RepoPaths.SampleSite,
            ["Ingest:MaxBatchDelay"] = "00:00:00.010",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Demo:SeedAccounts"] = "true",
            ["Demo:Password"] = Password,

            // Tests move a fake clock by days; a sign-in must outlast that.
            ["Auth:SessionIdle"] = "90.00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in all)
            {
                web.UseSetting(key, value);
            }

            if (clock is not null)
            {
                web.ConfigureServices(s => s.AddSingleton(clock));
            }

            if (!productionPasswordHashing)
            {
                web.ConfigureServices(s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = TestPasswords.HashIterations));
            }

            if (services is not null)
            {
                web.ConfigureTestServices(services);
            }
        });
        Uri? address = null;
        if (kestrel)
        {
            factory.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            factory.StartServer();
            address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        var host = new CloudHost(factory, dataFolder, address);
        return Task.FromResult(host);
    }

    /// <summary>GETs JSON from the API.</summary>
    public async Task<T> GetAsync<T>(string path) =>
        await Http.GetFromJsonAsync<T>(path, Json.Options) ?? throw new InvalidOperationException($"{path} returned null");

    /// <summary>How long a wait for a condition lasts by default before it fails (stretched by <see cref="Patience"/>).</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds (no fixed sleeps), or fails after <paramref name="timeout"/>
    /// (<see cref="DefaultWait"/> unless told), measured on the monotonic clock and stretched by <see cref="Patience"/>.
    /// </summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null) =>
        Iot.Testing.Services.ServiceProcess.WaitUntilAsync(condition, timeout ?? DefaultWait, what, diagnostics);

    /// <summary>
    /// Waits until ingest has processed <paramref name="messages"/> messages since start. Stats are recorded last in
    /// a batch, after the store and the database, so once they count a message all its effects are visible. Fails only
    /// when the count stands still for <paramref name="stall"/> (a busy machine is slow, not broken).
    /// </summary>
    public Task WaitProcessedAsync(long messages, TimeSpan? stall = null) =>
        Iot.Testing.Services.ServiceProcess.WaitWhileProgressingAsync(
            async () => (await GetAsync<Iot.Cloud.Ingest.IngestStatsView>("/api/ingest/stats")).MessagesSinceStart,
            processed => processed >= messages,
            stall ?? DefaultWait,
            $"{messages} messages processed");

    /// <summary>Waits until the cloud reports ready (subscribed to the broker, stores reachable).</summary>
    public Task WaitReadyAsync(TimeSpan? timeout = null) =>
        WaitUntilAsync(async () => (await Http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "cloud ready", timeout);

    /// <summary>Stops the host (its hosted services stop cleanly).</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }

    /// <summary>Resolves a service.</summary>
    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>Signs in through <c>POST /api/session</c> before the first request, keeping the cookie (the client's own cookie handler is inside this one).</summary>
internal sealed class SignInHandler(string user, string password) : DelegatingHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Net.CookieContainer _cookies = new();
    private bool _signedIn;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var root = new Uri(request.RequestUri!.GetLeftPart(UriPartial.Authority));
        if (!_signedIn)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (!_signedIn)
                {
                    using var signIn = new HttpRequestMessage(HttpMethod.Post, new Uri(root, "/api/session")) { Content = JsonContent.Create(new { userName = user, password }) };
                    using var response = await base.SendAsync(signIn, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"signing in as {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    }

                    foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
                    {
                        _cookies.SetCookies(root, cookie);
                    }

                    _signedIn = true;
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        request.Headers.Remove("Cookie");
        request.Headers.Add("Cookie", _cookies.GetCookieHeader(root));
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>JSON options matching the API's.</summary>
public static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
    };
}
