using Iot.Edge.Provisioning;
using Iot.Edge.Sites;
using Iot.Edge.Uplink;
using Iot.Protocol.Sites;
using Iot.Testing;
using Iot.Testing.Services;
using MQTTnet;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>
/// The sample site provisioned into a temporary folder, and a real Mosquitto running on exactly what provisioning
/// generated: its password file, its ACL, its CA and server certificate, no anonymous access, user name as client id.
/// </summary>
public sealed class ProvisionedBroker : IAsyncLifetime
{
    private readonly string _folder = ServiceProcess.TempFolder("provisioned");

    public Site Site { get; } = SiteFiles.Read(RepoPaths.SampleSite).Site!;

    public ProvisioningLayout Layout => new(Path.Combine(_folder, "out"));

    public AccountBook Accounts { get; private set; } = null!;

    public MosquittoBroker Broker { get; private set; } = null!;

    /// <summary>Another CA, as a broker set up by someone else would have.</summary>
    public string StrangerCa => Path.Combine(_folder, "stranger-ca.crt");

    public async Task InitializeAsync()
    {
        BrokerProvisioner.Run(Site, Layout, [], cloudInstances: 2, DateTimeOffset.UtcNow);
        Accounts = AccountBook.Load(Layout.Accounts);
        using (var stranger = BrokerCertificates.NewCa("elsewhere", DateTimeOffset.UtcNow))
        {
            await File.WriteAllTextAsync(StrangerCa, stranger.ExportCertificatePem());
        }

        Broker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            AllowAnonymous = false,
            PasswordFile = Layout.PasswordFile,
            Acl = await File.ReadAllTextAsync(Layout.Acl),
            Tls = (Layout.BrokerCa, Layout.ServerCert, Layout.ServerKey),
            ListenerConfig = "use_username_as_clientid true",
        });
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Connects as <paramref name="account"/> with its provisioned password, on the plain listener.</summary>
    public Task<MqttTestClient> ConnectAsync(string account, string? clientId = null) =>
        MqttTestClient.ConnectAsync(Broker.Host, Broker.Port, account, Accounts.PasswordOf(account), clientId);

    /// <summary>Connects as <paramref name="account"/> over TLS, trusting only the CA in <paramref name="caFile"/> as the agent does.</summary>
    public Task<(MqttTestClient Client, MqttClientConnectResult Result)> ConnectOverTlsAsync(string account, string caFile)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        return MqttTestClient.TryConnectAsync(Broker.Host, Broker.TlsPort!.Value, account, Accounts.PasswordOf(account), configure: b => b.WithTlsOptions(tls => tls
            .UseTls()
            .WithTargetHost(Broker.Host)
            .WithCertificateValidationHandler(e => PinnedCa.Accepts(ca, e.Certificate, e.SslPolicyErrors))));
    }
}
