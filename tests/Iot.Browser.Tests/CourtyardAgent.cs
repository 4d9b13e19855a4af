using System.Runtime.ExceptionServices;
using Iot.Edge.Agent;
using Iot.Edge.Config;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Simulation;
using Iot.Edge.Sites;
using Iot.Edge.Uplink;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Signing;
using Iot.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Browser.Tests;

/// <summary>
/// One real agent of the sample site in this process, in real time: its runtime ticking and guarding over its simulated
/// courtyard (scripted: the test sets what the chips measure), its real MQTT uplink to the test broker, and trust in the
/// cloud's public key only, as a provisioned Pi has. What it answers to a command is what a Pi would answer.
/// </summary>
public sealed class CourtyardAgent : IAsyncDisposable
{
    private readonly string _folder;
    private readonly TrustedKeys _trusted;
    private readonly DiskOutbox _outbox;
    private readonly AgentRuntime _runtime;
    private readonly AgentUplink _uplink;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _loops;
    private readonly Task _uplinkRunning;
    private ExceptionDispatchInfo? _failed;

    private CourtyardAgent(string agent, int brokerPort, string cloudPublicKeyFile)
    {
        var site = SiteFiles.Read(RepoPaths.SampleSite).Site!;
        var (courtyard, manifest) = site.FindAgent(AgentId.Parse(agent)) ?? throw new ArgumentException($"no agent {agent} in the sample site", nameof(agent));
        _folder = Directory.CreateTempSubdirectory($"iot-browser-{agent}-").FullName;
        var clock = new AgentClock(TimeProvider.System, ClockMode.WallClock);
        var outbox = new OutboxOptions { ReplayRecordsPerSecond = 1000 };
        Model = new CourtyardModel(manifest, new Weather(site.Manifest.Location.Lat, site.Manifest.Location.Lon, 7), new ScenarioOptions { Scripted = true });
        _outbox = DiskOutbox.Open(Path.Combine(_folder, "outbox"), outbox, NullLogger.Instance);
        _trusted = TrustedKeys.FromPem([File.ReadAllText(cloudPublicKeyFile)]);
        _runtime = new AgentRuntime(new AgentIdentity(site.Manifest.Id, courtyard.Id, manifest.Id, site.Manifest.Location), manifest, Model.Board, Model, _outbox, clock,
            new EdgeOptions { Site = RepoPaths.SampleSite }, new SafetyOptions(), new LatchStore(_folder), new ControlTrust(_trusted, manifest.Id, clock, _folder), NullLogger.Instance);
        _uplink = new AgentUplink(_runtime, new MqttOptions { Broker = $"127.0.0.1:{brokerPort}" }, outbox, TimeSpan.FromSeconds(60), NullLogger.Instance);
        _loops = [Every(TimeSpan.FromMilliseconds(250), _runtime.Tick, $"{agent} tick"), Every(TimeSpan.FromMilliseconds(200), _runtime.Supervise, $"{agent} safety")];
        _uplinkRunning = Task.Run(() => _uplink.RunAsync(_stop.Token));
    }

    /// <summary>The simulated courtyard: set temperatures, smoke, loads.</summary>
    public CourtyardModel Model { get; }

    /// <summary>Starts agent <paramref name="agent"/>, trusting the key in <paramref name="cloudPublicKeyFile"/>.</summary>
    public static CourtyardAgent Start(string agent, int brokerPort, string cloudPublicKeyFile) => new(agent, brokerPort, cloudPublicKeyFile);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var loop in _loops)
        {
            loop.Join();
        }

        try
        {
            await _uplinkRunning;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await _uplink.DisposeAsync();
        _runtime.Dispose();
        _outbox.Dispose();
        Model.Board.Dispose();
        _trusted.Dispose();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
        _failed?.Throw();
    }

    // The service's cadences (a tick every 250 ms, the safety supervision every 200 ms), each on a thread of its own: on
    // a Pi the agent has its process to itself, here it shares one with the cloud and the browser driver, and a tick
    // queued behind their work on the thread pool for 2 s would make the agent's sensing stale, so it cuts its outlets.
    private Thread Every(TimeSpan period, Action work, string name)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (!_stop.Token.WaitHandle.WaitOne(period))
                {
                    work();
                }
            }
            catch (Exception e)
            {
                _failed ??= ExceptionDispatchInfo.Capture(e); // thrown by DisposeAsync, in the test, not on this thread
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
