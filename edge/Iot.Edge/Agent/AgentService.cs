using Iot.Edge.Calibration;
using Iot.Edge.Config;
using Iot.Edge.Hardware;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Simulation;
using Iot.Edge.Simulation.History;
using Iot.Edge.Sites;
using Iot.Edge.Uplink;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Signing;
using Iot.Protocol.Sites;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent;

/// <summary>
/// Runs the agents this process is for (one on a Pi, many in a simulated fleet): for each, a tick loop that
/// samples and guards, and an MQTT uplink. Stops cleanly: every agent says it is going offline.
/// </summary>
public sealed partial class AgentService(
    IOptions<EdgeOptions> edge,
    IOptions<MqttOptions> mqtt,
    IOptions<OutboxOptions> outbox,
    IOptions<SafetyOptions> safety,
    IOptions<ScenarioOptions> scenario,
    TimeProvider time,
    ILoggerFactory loggers,
    IServiceProvider services) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger("Iot.Edge");

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = edge.Value;
        var read = SiteFiles.Read(options.Site!);
        if (read.Site is not { } site)
        {
            Environment.ExitCode = 1;
            throw new InvalidOperationException($"Edge:Site '{options.Site}' has problems: {string.Join("; ", read.Problems.Take(5))}");
        }

        List<(CourtyardManifest Courtyard, AgentManifest Agent)> chosen;
        try
        {
            chosen = Choose(site, options);
        }
        catch (InvalidOperationException)
        {
            Environment.ExitCode = 1;
            throw;
        }

        var weather = new Weather(site.Manifest.Location.Lat, site.Manifest.Location.Lon, scenario.Value.Seed);
        var parties = scenario.Value.DemoParties;
        var demo = options.Simulate && scenario.Value.Demo
            ? new DemoScenario(scenario.Value, chosen.Where(c => parties.Length == 0 || c.Courtyard.Responsible is { } party && parties.Contains(party.Value)).Select(c => c.Agent))
            : null;
        if (demo is not null)
        {
            DemoOn(_logger, scenario.Value.DemoFirstFaultSeconds, scenario.Value.DemoIntervalMinutes);
        }
        var history = options.Simulate && scenario.Value.HistoryDays > 0 ? PastWeek(chosen, weather, demo) : null;
        if (history is not null)
        {
            // The live faults start once the week is sent, after the cloud's clock has followed it to now: played during
            // the replay, a fault would be raised at its own time before the demo is ready to be watched.
            demo?.Hold();
        }

        using var trusted = options.LoadTrustedKeys();
        if (trusted.IsEmpty)
        {
            NoTrustedKey(_logger);
        }
        else
        {
            Trusting(_logger, trusted.KeyIds);
        }

        var agents = new List<(AgentRuntime Runtime, AgentUplink Uplink, Board Board)>();
        try
        {
            foreach (var (courtyard, manifest) in chosen)
            {
                agents.Add(Start(site, courtyard, manifest, weather, demo, trusted, history));
            }

            if (history is not null)
            {
                HistoryWritten(_logger, history.Agents, history.Records, history.Readings, history.Events, history.Elapsed.TotalSeconds);
            }

            Started(_logger, agents.Count, options.Simulate ? "simulated" : "real", mqtt.Value.Broker);
            var watchdog = services.GetService(typeof(ISystemdNotifier)) as ISystemdNotifier;
            var runtimes = agents.Select(a => a.Runtime).ToList();
            var loops = agents.SelectMany(a => new[] { TickLoopAsync(a.Runtime, stoppingToken), a.Uplink.RunAsync(stoppingToken) })
                .Append(SafetyLoopAsync(runtimes, stoppingToken))
                .Append(WatchdogLoopAsync(watchdog, runtimes, stoppingToken))
                .Append(ReleaseStartupMemoryAsync(stoppingToken))
                .Append(ReleaseDemoAsync(demo, runtimes, stoppingToken));
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception)
        {
            Environment.ExitCode = 1; // the host stops; systemd sees a failure and restarts the agent
            throw;
        }
        finally
        {
            foreach (var (runtime, uplink, board) in agents)
            {
                await uplink.DisposeAsync().ConfigureAwait(false);
                runtime.Dispose();
                runtime.Outbox.Dispose();
                board.Dispose();
            }
        }
    }

    private static List<(CourtyardManifest Courtyard, AgentManifest Agent)> Choose(Site site, EdgeOptions options)
    {
        if (options.Agent is { } id)
        {
            if (!AgentId.TryParse(id, out var agentId, out var problem) || site.FindAgent(agentId) is not { } found)
            {
                throw new InvalidOperationException($"Edge:Agent '{id}' is not an agent of site {site.Manifest.Id}{(problem is null ? string.Empty : $": {problem}")}");
            }

            return [found];
        }

        var all = site.Agents.ToList();
        return options.Agents > 0 ? all.Take(options.Agents).ToList() : all;
    }

    private (AgentRuntime, AgentUplink, Board) Start(Site site, CourtyardManifest courtyard, AgentManifest manifest, Weather weather, DemoScenario? demo, TrustedKeys trusted, PastHistory? history)
    {
        var options = edge.Value;
        var logger = loggers.CreateLogger($"Iot.Edge.{manifest.Id}");
        var folder = Path.Combine(options.DataFolder, manifest.Id.Value);
        CourtyardModel? model = options.Simulate ? new CourtyardModel(manifest, weather, scenario.Value, demo) : null;
        var board = model is not null ? (Board)model.Board : new PiBoard();
        board.Calibration = CalibrationCheck.Load(folder, manifest, logger);
        var outboxFolder = Path.Combine(folder, "outbox");
        if (history is not null && !Directory.Exists(outboxFolder))
        {
            // Only on an empty data folder: a second start replays whatever is still unsent, and writes no week again.
            history.Add(HistoryWriter.Write(() => DiskOutbox.Open(outboxFolder, outbox.Value, logger), manifest, history.Sampler, history.Faults, history.From, history.To, scenario.Value.Seed));
        }

        var box = DiskOutbox.Open(outboxFolder, outbox.Value, logger);

        var identity = new AgentIdentity(site.Manifest.Id, courtyard.Id, manifest.Id, site.Manifest.Location);
        var clock = new AgentClock(time, options.Clock);
        var runtime = new AgentRuntime(identity, manifest, board, model, box, clock, options, safety.Value, new LatchStore(folder),
            new ControlTrust(trusted, manifest.Id, clock, folder), logger);
        var uplink = new AgentUplink(runtime, mqtt.Value, outbox.Value, TimeSpan.FromSeconds(options.StatusSeconds), logger, time);
        return (runtime, uplink, board);
    }

    private PastHistory PastWeek(List<(CourtyardManifest Courtyard, AgentManifest Agent)> chosen, Weather weather, DemoScenario? demo)
    {
        var agents = chosen.Select(c => c.Agent).ToList();
        var to = time.GetUtcNow();
        var from = to - TimeSpan.FromDays(scenario.Value.HistoryDays);

        // The devices of the live demo's first hour of faults keep out of the week's.
        var live = Enumerable.Range(0, 16).Select(n => demo?.Plan(n, to)).OfType<PlannedFault>().Select(f => (f.Agent, f.Device)).ToHashSet();
        // The gate forced again is in a courtyard whose party has demo staff (the demo's parties), so its order is closed by then.
        var parties = scenario.Value.DemoParties;
        var worked = parties.Length == 0 ? null : chosen.Where(c => c.Courtyard.Responsible is { } p && parties.Contains(p.Value)).Select(c => c.Agent.Id).ToHashSet();
        var faults = HistoryTimetable.Of(agents, from, to, weather, scenario.Value.Seed, live, worked);
        return new PastHistory(from, to, faults, new HistoryReadings(weather, faults, scenario.Value.Seed));
    }

    // The past week the fleet writes into new agents' outboxes, and what it wrote.
    private sealed record PastHistory(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<PastFault> Faults, HistoryReadings Sampler)
    {
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

        public int Agents { get; private set; }

        public int Records { get; private set; }

        public int Readings { get; private set; }

        public int Events { get; private set; }

        public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(_started);

        public void Add(HistoryFill fill)
        {
            Agents++;
            Records += fill.Records;
            Readings += fill.Readings;
            Events += fill.Events;
        }
    }

    private async Task TickLoopAsync(AgentRuntime runtime, CancellationToken ct)
    {
        // Each agent ticks on its own, so one slow sensor (an HC-SR04 waiting for its echo) delays only its agent.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(edge.Value.TickMilliseconds), time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            runtime.Tick();
        }
    }

    // The interlocks' second line: a sensor read that hangs holds up an agent's tick, so sensing that has gone stale is
    // caught here, on its own timer, and the outlets it guards are cut within a second of it going stale.
    private async Task SafetyLoopAsync(IReadOnlyList<AgentRuntime> runtimes, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            foreach (var runtime in runtimes)
            {
                runtime.Supervise();
            }
        }
    }

    // The outboxes hold about this many records between sends once the week is sent (each agent wrote about 500).
    private const int SentBacklog = 32;

    // Releases a held demo once every agent's outbox is down to its live backlog: the week is stored in the cloud (records
    // leave the outbox only when the cloud has stored them), or after the cloud's own limit for following it (5 min).
    private async Task ReleaseDemoAsync(DemoScenario? demo, IReadOnlyList<AgentRuntime> runtimes, CancellationToken ct)
    {
        if (demo is null || scenario.Value.HistoryDays <= 0)
        {
            return;
        }

        var started = time.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var sent = runtimes.All(r => r.Outbox.Stats.Depth <= SentBacklog);
            if (sent || time.GetUtcNow() - started > TimeSpan.FromMinutes(5))
            {
                demo.Release();
                var seconds = (time.GetUtcNow() - started).TotalSeconds;
                DemoReleased(_logger, seconds, sent);
                return;
            }
        }
    }

    // Start-up (the host, the site's manifests, the first connection) touches far more memory than running does.
    private async Task ReleaseStartupMemoryAsync(CancellationToken ct)
    {
        if (edge.Value.ReleaseStartupMemorySeconds <= 0)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(edge.Value.ReleaseStartupMemorySeconds), time, ct).ConfigureAwait(false);
        var unmapped = StartupMemory.Release();
        StartupMemoryReleased(_logger, unmapped / (1024.0 * 1024), Environment.WorkingSet / (1024.0 * 1024));
    }

    // systemd's watchdog restarts a hung agent: the ping goes out only while every agent is still ticking.
    private static async Task WatchdogLoopAsync(ISystemdNotifier? notifier, IReadOnlyList<AgentRuntime> runtimes, CancellationToken ct)
    {
        if (notifier is not { IsEnabled: true })
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (runtimes.All(r => Environment.TickCount64 - r.LastTickMs < 30_000))
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge:TrustedKeys is not set: no key is trusted, so every config and command from the cloud will be refused")]
    private static partial void NoTrustedKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configs and commands are believed when signed by key(s) {Keys}")]
    private static partial void Trusting(ILogger logger, IReadOnlyCollection<string> keys);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation:Demo is on: a fault {First} s after the start, then one every {Interval} min")]
    private static partial void DemoOn(ILogger logger, int first, double interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation:HistoryDays: {Agents} new agents wrote their past into their outboxes, {Records} records with {Readings} readings and {Events} events, in {Seconds:F1} s")]
    private static partial void HistoryWritten(ILogger logger, int agents, int records, int readings, int events, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulation:Demo: the live faults start now, {Seconds:F1} s after the agents started (the past week sent: {Sent})")]
    private static partial void DemoReleased(ILogger logger, double seconds, bool sent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up memory given back: heap compacted, {Unmapped:F1} MiB of file mappings (code, read-only data) dropped; resident now {Resident:F1} MiB")]
    private static partial void StartupMemoryReleased(ILogger logger, double unmapped, double resident);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Count} agent(s) on {Hardware} hardware, broker {Broker}")]
    private static partial void Started(ILogger logger, int count, string hardware, string broker);
}
