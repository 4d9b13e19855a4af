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

    /// <summary>Waits until the cloud has accepted every data message the witness saw, with nothing missing.</summary>
    public static async Task ForCloudToCatchUpAsync(CloudUnderTest cloud, Witness witness, TimeSpan patience)
    {
        IReadOnlyList<SequenceFigures> last = [];
        await ServiceProcess.WaitUntilAsync(
            async () =>
            {
                var seen = witness.Data.GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value)).ToDictionary(g => g.Key, g => g.Max(w => w.Message.Seq));
                last = await cloud.SequencesAsync();
                return seen.All(s => last.Any(c => c.Agent == s.Key.Item1 && c.Boot == s.Key.Item2 && c.Contiguous >= s.Value));
            },
            patience,
            "the cloud to store everything the broker acknowledged",
            () => $"{string.Join("; ", last.Select(s => $"{s.Agent}/{s.Boot} contiguous {s.Contiguous} max {s.MaxSeen} accepted {s.Accepted}"))}\n{cloud.Process.Tail()}");
    }

    /// <summary>Waits until the cloud has seen the last data message of every boot the witness saw (gaps allowed).</summary>
    public static async Task ForCloudToSeeTheEndAsync(CloudUnderTest cloud, Witness witness, TimeSpan patience)
    {
        IReadOnlyList<SequenceFigures> last = [];
        await ServiceProcess.WaitUntilAsync(
            async () =>
            {
                var seen = witness.Data.GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value)).ToDictionary(g => g.Key, g => g.Max(w => w.Message.Seq));
                last = await cloud.SequencesAsync();
                return seen.All(s => last.Any(c => c.Agent == s.Key.Item1 && c.Boot == s.Key.Item2 && c.MaxSeen >= s.Value));
            },
            patience,
            "the cloud to receive the last message of every boot",
            () => $"{string.Join("; ", last.Select(s => $"{s.Agent}/{s.Boot} contiguous {s.Contiguous} max {s.MaxSeen} accepted {s.Accepted}"))}\n{cloud.Process.Tail()}");
    }

    private static Dictionary<string, int> Telemetry(Witness witness) =>
        witness.Data.Where(w => w.Channel == Iot.Protocol.Topics.Channel.Telemetry).GroupBy(w => w.Message.Agent.Value).ToDictionary(g => g.Key, g => g.Count());
}
