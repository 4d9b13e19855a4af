using Iot.Cloud.Broker;
using Iot.Testing.Services;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Tests.Broker;

/// <summary>The cloud's embedded broker on its own, started as the cloud starts it, on a free port; stopped on dispose.</summary>
internal sealed class EmbeddedBrokerRun : IAsyncDisposable
{
    private readonly EmbeddedBroker _broker;

    private EmbeddedBrokerRun(EmbeddedBroker broker, BrokerOptions options, FakeLogger<EmbeddedBroker> log)
    {
        _broker = broker;
        Options = options;
        Log = log;
    }

    /// <summary>Its settings.</summary>
    public BrokerOptions Options { get; }

    /// <summary>Its port (the same on every address it listens on).</summary>
    public int Port => Options.Port;

    /// <summary>What it logged.</summary>
    public FakeLogger<EmbeddedBroker> Log { get; }

    /// <summary>Where it listens.</summary>
    public IReadOnlyList<System.Net.IPEndPoint> Endpoints => _broker.Endpoints;

    /// <summary>Starts a broker with the defaults of <see cref="BrokerOptions"/>, changed by <paramref name="configure"/>.</summary>
    public static async Task<EmbeddedBrokerRun> StartAsync(Action<BrokerOptions>? configure = null)
    {
        var options = new BrokerOptions { Port = ServiceProcess.FreePort() };
        configure?.Invoke(options);
        var problems = new BrokerOptionsValidator().Validate(null, options);
        if (problems.Failed)
        {
            throw new InvalidOperationException(problems.FailureMessage);
        }

        var log = new FakeLogger<EmbeddedBroker>();
        var broker = new EmbeddedBroker(Microsoft.Extensions.Options.Options.Create(options), log);
        await broker.StartAsync(CancellationToken.None);
        return new EmbeddedBrokerRun(broker, options, log);
    }

    /// <summary>The messages logged at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<string> Logged(LogLevel level = LogLevel.Warning) =>
        [.. Log.Collector.GetSnapshot().Where(r => r.Level >= level).Select(r => r.Message)];

    public async ValueTask DisposeAsync()
    {
        await _broker.StopAsync(CancellationToken.None);
        await _broker.DisposeAsync();
    }
}
