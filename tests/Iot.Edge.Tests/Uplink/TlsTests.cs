using Iot.Edge.Tests.Support;
using Iot.Edge.Uplink;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

public sealed class TlsTests : IDisposable
{
    private readonly string _pki = ServiceProcess.TempFolder("pki");

    public void Dispose() => Directory.Delete(_pki, recursive: true);

    private async Task<string> CaAsync(string name)
    {
        var key = Path.Combine(_pki, $"{name}.key");
        var cert = Path.Combine(_pki, $"{name}.pem");
        await ServiceProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", $"/CN={name}"], Patience.Seconds(60));
        return cert;
    }

    private async Task<(string Cert, string Key)> ServerCertAsync(string ca)
    {
        var key = Path.Combine(_pki, "server.key");
        var csr = Path.Combine(_pki, "server.csr");
        var cert = Path.Combine(_pki, "server.pem");
        var ext = Path.Combine(_pki, "server.ext");
        await File.WriteAllTextAsync(ext, "subjectAltName=IP:127.0.0.1\n");
        await ServiceProcess.RunAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"], Patience.Seconds(60));
        await ServiceProcess.RunAsync("openssl", ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", Path.ChangeExtension(ca, ".key"), "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext], Patience.Seconds(60));
        return (cert, key);
    }

    [Fact]
    public async Task The_agent_connects_over_tls_to_a_broker_signed_by_its_pinned_ca_and_refuses_any_other()
    {
        var ca = await CaAsync("courtyard-ca");
        var stranger = await CaAsync("stranger-ca");
        var (cert, key) = await ServerCertAsync(ca);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Tls = (ca, cert, key) });
        await using var watcher = await LinkedAgent.WatchAsync(broker);

        var tls = new MqttOptions { UseTls = true, CaFile = ca };
        await using (var trusted = new LinkedAgent(new AgentHarness(TestCourtyard.Only("lamp-01")), broker, tls, port: broker.TlsPort))
        {
            var birth = LinkedAgent.Read<AgentStatus>(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status), Patience.Seconds(30)));
            Assert.Equal(Presence.Online, birth.State);
        }

        var pinnedElsewhere = new MqttOptions { UseTls = true, CaFile = stranger, ReconnectMinSeconds = 0.2, ReconnectMaxSeconds = 0.2 };
        await using var refused = new LinkedAgent(new AgentHarness(TestCourtyard.Only("lamp-01")), broker, pinnedElsewhere, port: broker.TlsPort);
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(refused.Uplink.ConnectFailures >= 2), TimeSpan.FromSeconds(20), "TLS refusals");
        Assert.False(refused.Uplink.IsConnected);
    }
}
