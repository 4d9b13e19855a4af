using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Broker;

/// <summary>One provisioning of the sample site for a test class.</summary>
public sealed class ProvisionedFiles : IAsyncLifetime
{
    internal Provisioning Provisioning { get; private set; } = null!;

    public async Task InitializeAsync() => Provisioning = await Provisioning.RunAsync();

    public Task DisposeAsync()
    {
        Provisioning?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A broker that enforces the accounts and ACL of one provisioning of the sample site.</summary>
public abstract class ProvisionedBroker : IAsyncLifetime
{
    internal Provisioning Provisioning { get; private set; } = null!;

    /// <summary>Where clients reach it.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>Its plain MQTT port.</summary>
    public abstract int Port { get; }

    public async Task InitializeAsync()
    {
        Provisioning = await Provisioning.RunAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Provisioning?.Dispose();
    }

    /// <summary>Connects as <paramref name="account"/> with its provisioned password.</summary>
    internal Task<MqttTestClient> ConnectAsync(string account, string? clientId = null) =>
        MqttTestClient.ConnectAsync(Host, Port, account, Provisioning.PasswordOf(account), clientId, o => o.WithTimeout(Patience.Seconds(30)));

    protected abstract Task StartAsync();

    protected abstract Task StopAsync();
}

/// <summary>Mosquitto 2.0 running the provisioned files as production does (no anonymous access, user name as client id).</summary>
public sealed class ProvisionedMosquitto : ProvisionedBroker
{
    private MosquittoBroker? _broker;

    public override int Port => _broker!.Port;

    protected override async Task StartAsync() =>
        _broker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            AllowAnonymous = false,
            PasswordFile = Path.Combine(Provisioning.BrokerFolder, "passwd"),
            Acl = await File.ReadAllTextAsync(Path.Combine(Provisioning.BrokerFolder, "acl")),
            ListenerConfig = "use_username_as_clientid true",
        });

    protected override async Task StopAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

/// <summary>The cloud's embedded broker given the same provisioned folder (<c>Broker:Accounts</c>).</summary>
public sealed class ProvisionedEmbedded : ProvisionedBroker
{
    private EmbeddedBrokerRun? _broker;

    public override int Port => _broker!.Port;

    protected override async Task StartAsync() =>
        _broker = await EmbeddedBrokerRun.StartAsync(o =>
        {
            o.Accounts = Provisioning.BrokerFolder;
            o.Username = Provisioning.Cloud;
            o.Password = Provisioning.PasswordOf(Provisioning.Cloud);
            o.EventsUsername = Provisioning.CloudEvents;
            o.EventsPassword = Provisioning.PasswordOf(Provisioning.CloudEvents);
        });

    protected override async Task StopAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
