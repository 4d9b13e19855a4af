using Xunit;

namespace Iot.Testing.Services;

/// <summary>
/// One real Mosquitto broker and one temporary folder for a test class (<c>IClassFixture&lt;BrokerFixture&gt;</c>), the
/// setup most tests of the cloud and the agent need. Tests that must not see what an earlier test left on the broker
/// (retained statuses and configs, persistent sessions) call <see cref="ResetAsync"/> first; each takes its own
/// folders from <see cref="NewFolder"/>. Tests that restart, stop or reconfigure the broker start their own.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly string _root = ServiceProcess.TempFolder("tests");
    private int _folders;

    /// <summary>The broker (anonymous, no persistence, on 127.0.0.1).</summary>
    public MosquittoBroker Broker { get; private set; } = null!;

    /// <summary>Its plain MQTT port.</summary>
    public int Port => Broker.Port;

    /// <summary>A new empty folder inside the fixture's, named after <paramref name="purpose"/>; deleted with the fixture.</summary>
    public string NewFolder(string purpose = "data") =>
        Directory.CreateDirectory(Path.Combine(_root, $"{purpose}-{Interlocked.Increment(ref _folders)}")).FullName;

    /// <summary>A broker as fresh as a new one, on the same port: no retained message and no session survives.</summary>
    public Task ResetAsync() => Broker.RestartAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
