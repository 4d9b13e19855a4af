using Iot.Cloud.Tests.Support;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.ScaleOut;

/// <summary>
/// Two cloud instances on one PostgreSQL database, each on a broker of its own, so a test decides which instance hears
/// an agent: what the other one shows came through the database, not through MQTT. One clock for both, moved only by
/// the tests. Made afresh for each test (a new database and brokers).
/// </summary>
public sealed class TwoInstances : IAsyncDisposable
{
    private readonly MosquittoBroker _brokerA;
    private readonly MosquittoBroker _brokerB;
    private readonly string _folder;

    private readonly Func<string, Dictionary<string, string?>> _settings;

    private TwoInstances(MosquittoBroker brokerA, MosquittoBroker brokerB, string folder, CloudHost a, CloudHost b, FakeTimeProvider clock, Func<string, Dictionary<string, string?>> settings)
    {
        _settings = settings;
        _brokerA = brokerA;
        _brokerB = brokerB;
        _folder = folder;
        A = a;
        B = b;
        Clock = clock;
    }

    public CloudHost A { get; private set; }

    public CloudHost B { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>The broker only instance B listens to.</summary>
    public int BrokerOfB => _brokerB.Port;

    /// <summary>The broker only instance A listens to.</summary>
    public int BrokerOfA => _brokerA.Port;

    public static async Task<TwoInstances> StartAsync(PostgresServer postgres, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        var database = await postgres.CreateDatabaseAsync($"two_{Guid.NewGuid():N}");
        var brokerA = await MosquittoBroker.StartAsync();
        var brokerB = await MosquittoBroker.StartAsync();
        var folder = ServiceProcess.TempFolder("two-instances");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Dictionary<string, string?> Settings(string id)
        {
            var all = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["Database:ConnectionString"] = database,
                ["Broker:ClientId"] = id,
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            return all;
        }

        // One after the other: the first migrates and seeds the shared database.
        var a = await CloudHost.StartAsync(brokerA.Port, Directory.CreateDirectory(Path.Combine(folder, "a")).FullName, Settings("cloud-a"), "cloud-a", clock);
        await a.WaitReadyAsync();
        var b = await CloudHost.StartAsync(brokerB.Port, Directory.CreateDirectory(Path.Combine(folder, "b")).FullName, Settings("cloud-b"), "cloud-b", clock);
        await b.WaitReadyAsync();

        // Each listens to the other before the test says anything.
        await a.Get<Iot.Cloud.Data.InstanceBus>().Listening.WaitAsync(Patience.Of(CloudHost.DefaultWait));
        await b.Get<Iot.Cloud.Data.InstanceBus>().Listening.WaitAsync(Patience.Of(CloudHost.DefaultWait));
        return new TwoInstances(brokerA, brokerB, folder, a, b, clock, Settings);
    }

    /// <summary>Stops instance A and starts it again on the same database and broker (its rule engine reloads the stored states).</summary>
    public async Task RestartAAsync()
    {
        await A.DisposeAsync();
        A = await CloudHost.StartAsync(_brokerA.Port, Path.Combine(_folder, "a"), _settings("cloud-a"), "cloud-a", Clock);
        await A.WaitReadyAsync();
        await A.Get<Iot.Cloud.Data.InstanceBus>().Listening.WaitAsync(Patience.Of(CloudHost.DefaultWait));
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await _brokerA.DisposeAsync();
        await _brokerB.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

    }
}
