using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>Condition waits shared by the fault tests (polling with a deadline, never sleeping).</summary>
public static class Waits
{
    /// <summary>Waits until the witness has seen <paramref name="more"/> further telemetry messages from every one of <paramref name="agents"/> agents.</summary>
    public static async Task ForTelemetryAsync(Witness witness, int agents, int more, TimeSpan patience, Func<string>? diagnostics = null)
    {
        var before = Telemetry(witness);
        await ServiceProcess.WaitUntilAsync(
            () =>
            {
                var now = Telemetry(witness);
                return Task.FromResult(now.Count >= agents && now.All(a => a.Value - before.GetValueOrDefault(a.Key) >= more));
            },
            patience,
            $"{more} more telemetry messages from each of {agents} agents",
            () => $"seen: {string.Join(", ", Telemetry(witness).Select(a => $"{a.Key} {a.Value}"))}. {diagnostics?.Invoke()}");
    }

    /// <summary>
    /// Waits until the witness has taken in what the broker delivered so far, then until the cloud has accepted every data
    /// message the witness saw, with nothing missing; fails only when the cloud's progress stands still for
    /// <paramref name="patience"/> (catching up is throughput, which a busy machine slows).
    /// </summary>
    public static async Task ForCloudToCatchUpAsync(CloudUnderTest cloud, Witness witness, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(witness);
        await witness.CatchUpAsync(patience);
        await ForCloudAsync(cloud, () => Seen(witness), patience, s => s.Contiguous, "the cloud to store everything the broker acknowledged");
    }

    /// <summary>
    /// Waits, while the agents run on, until the cloud has stored everything the witness has seen so far (later messages
    /// may still be on their way). After a fault, what the agents send again only after a stall is then in before they stop.
    /// </summary>
    public static Task ForCloudToStoreWhatWasSeenAsync(CloudUnderTest cloud, Witness witness, TimeSpan patience)
    {
        var seen = Seen(witness);
        return ForCloudAsync(cloud, () => seen, patience, s => s.Contiguous, "the cloud to store everything the witness had seen");
    }

    /// <summary>
    /// The end of a fault test: lets in what the agents send again after a stall (<see cref="ForCloudToStoreWhatWasSeenAsync"/>),
    /// stops the fleet cleanly, and waits until the cloud has stored everything the witness saw.
    /// </summary>
    public static async Task StopAndCatchUpAsync(Deployment.ProgramProcess fleet, CloudUnderTest cloud, Witness witness, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        await ForCloudToStoreWhatWasSeenAsync(cloud, witness, patience);
        await fleet.StopAsync();
        Assert.Equal(0, fleet.ExitCode);
        await ForCloudToCatchUpAsync(cloud, witness, patience);
    }

    /// <summary>Waits until the cloud has seen the last data message of every boot the witness saw (gaps allowed), while it makes progress.</summary>
    public static Task ForCloudToSeeTheEndAsync(CloudUnderTest cloud, Witness witness, TimeSpan patience) =>
        ForCloudAsync(cloud, () => Seen(witness), patience, s => s.MaxSeen, "the cloud to receive the last message of every boot");

    private static Dictionary<(string, string), long> Seen(Witness witness) =>
        witness.Data.GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value)).ToDictionary(g => g.Key, g => g.Max(w => w.Message.Seq));

    private static async Task ForCloudAsync(CloudUnderTest cloud, Func<Dictionary<(string, string), long>> target, TimeSpan patience, Func<SequenceFigures, long> reached, string what)
    {
        IReadOnlyList<SequenceFigures> last = [];
        var behind = long.MaxValue;
        await ServiceProcess.WaitWhileProgressingAsync(
            async () =>
            {
                var seen = target();
                last = await cloud.SequencesAsync();
                behind = seen.Sum(s => Math.Max(0, s.Value - (last.Where(c => c.Agent == s.Key.Item1 && c.Boot == s.Key.Item2).Select(reached).DefaultIfEmpty(0).Max())));
                return last.Sum(reached);
            },
            _ => behind == 0,
            patience,
            what,
            () => $"{behind} behind; {string.Join("; ", last.Select(s => $"{s.Agent}/{s.Boot} contiguous {s.Contiguous} max {s.MaxSeen} accepted {s.Accepted}"))}\n{cloud.Process.Tail()}");
    }

    private static Dictionary<string, int> Telemetry(Witness witness) =>
        witness.Data.Where(w => w.Channel == Iot.Protocol.Topics.Channel.Telemetry).GroupBy(w => w.Message.Agent.Value).ToDictionary(g => g.Key, g => g.Count());
}
