using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Uplink;

/// <summary>The real <c>iot-edge</c> program as a child process, as systemd would run it.</summary>
public sealed class AgentProcessTests : IDisposable
{
    // Starting a .NET program and its first connection is the slow part on a busy machine; none of it is under test.
    private static readonly TimeSpan Startup = Patience.Seconds(60);

    private readonly string _data = Directory.CreateTempSubdirectory("iot-edge-data-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static AgentStatus Status(ReceivedMessage m) => LinkedAgent.Read<AgentStatus>(m);

    [Fact]
    public async Task A_killed_agent_is_reported_offline_by_its_last_will_and_a_stopped_one_by_itself()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var watcher = await LinkedAgent.WatchAsync(broker, "estate/v1/yongchang/yikang-1/yikang-1-a/#");
        string[] args = ["run", RepoPaths.SampleSite, "--agent", "yikang-1-a", "--simulate", "--broker", $"{broker.Host}:{broker.Port}", "--data", _data];
        var environment = new Dictionary<string, string> { ["Mqtt__KeepAliveSeconds"] = "10", ["Mqtt__ReconnectMinSeconds"] = "0.2" };

        using (var agent = ChildProcess.Start("iot-edge.dll", args, environment))
        {
            await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status) && Status(m).State == Presence.Online, Startup);
            await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Telemetry), Startup);
            await agent.KillAsync();
        }

        var will = Status(await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status) && Status(m).State == Presence.Offline, Patience.Seconds(60)));
        Assert.Equal(OfflineReason.ConnectionLost, will.Reason);

        IReadOnlyCollection<string> said;
        using (var agent = ChildProcess.Start("iot-edge.dll", args, environment))
        {
            await watcher.WaitForCountAsync(m => LinkedAgent.Is(m, Channel.Status) && Status(m).State == Presence.Online, 2, Startup);
            Assert.Equal(0, await agent.TerminateAsync());   // SIGTERM, as systemctl stop sends
            said = agent.Lines;
        }

        var shutdown = await watcher.WaitForAsync(m => LinkedAgent.Is(m, Channel.Status) && Status(m).Reason == OfflineReason.Shutdown, Patience.Seconds(30))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException($"no goodbye; the agent said: {string.Join(" | ", said.TakeLast(15))}", t.Exception), TaskScheduler.Default);
        var goodbye = Status(shutdown);
        Assert.Equal(Presence.Offline, goodbye.State);
        Assert.NotEqual(will.Boot, goodbye.Boot);              // a new run, a new boot id
    }

    [Fact]
    public async Task An_agent_the_site_does_not_know_stops_with_a_failure_exit_code_that_systemd_sees()
    {
        using var agent = ChildProcess.Start("iot-edge.dll", ["run", RepoPaths.SampleSite, "--agent", "nope-1-a", "--simulate", "--data", _data]);
        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(agent.Lines, l => l.Contains("Edge:Agent 'nope-1-a' is not an agent of site yongchang", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_setting_stops_the_agent_with_a_message_naming_it()
    {
        using var agent = ChildProcess.Start("iot-edge.dll", ["fleet", RepoPaths.SampleSite, "--simulate", "--broker", "nowhere", "--data", _data],
            new Dictionary<string, string> { ["Outbox__Window"] = "0" });
        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var message = string.Join('\n', agent.Lines);
        Assert.Contains("Mqtt:Broker 'nowhere' is not host:port", message, StringComparison.Ordinal);
        Assert.Contains("Outbox:Window is 0", message, StringComparison.Ordinal);
    }
}

public sealed class FleetProcessTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("iot-fleet-data-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task The_fleet_verb_runs_the_first_n_agents_each_on_its_own_connection_and_stops_them_all_cleanly()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var watcher = await LinkedAgent.WatchAsync(broker);
        using var fleet = ChildProcess.Start("iot-edge.dll", ["fleet", RepoPaths.SampleSite, "--simulate", "--agents", "3", "--broker", $"{broker.Host}:{broker.Port}", "--data", _data, "--sample-seconds", "1"]);

        int Agents(Func<ReceivedMessage, bool> match) => watcher.Received.Where(match).Select(m => AgentTopic.Parse(m.Topic).Agent).Distinct().Count();
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(Agents(m => LinkedAgent.Is(m, Channel.Status) && LinkedAgent.Read<AgentStatus>(m).State == Presence.Online) == 3),
            TimeSpan.FromSeconds(60), "a birth from every agent");
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(Agents(m => LinkedAgent.Is(m, Channel.Telemetry)) == 3), TimeSpan.FromSeconds(60), "telemetry from every agent");
        Assert.Equal(3, Directory.GetDirectories(_data).Length);      // one outbox folder per agent

        Assert.Equal(0, await fleet.TerminateAsync());

        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(Agents(m => LinkedAgent.Is(m, Channel.Status) && LinkedAgent.Read<AgentStatus>(m).Reason == OfflineReason.Shutdown) == 3),
            TimeSpan.FromSeconds(30), "a shutdown status from every agent");

        // The cloud's reader accepts every message the demo fleet sent.
        foreach (var message in watcher.Received)
        {
            var read = Protocol.Validation.MessageReader.ReadUplink(AgentTopic.Parse(message.Topic), message.Payload, DateTimeOffset.UtcNow);
            Assert.True(read.IsValid, $"{message.Topic}: {read.Summary}");
        }
    }
}
