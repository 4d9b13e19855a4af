using System.Globalization;
using Iot.EndToEnd.Tests.Deployment;
using Iot.Testing;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>
/// The real <c>iot-edge fleet</c> program: the first <c>n</c> agents of the sample site in one process over simulated
/// chips, sampling every second, each with its own MQTT client and durable outbox under a data folder.
/// </summary>
public static class Fleet
{
    /// <summary>Starts <paramref name="agents"/> agents against the broker on <paramref name="brokerPort"/>, believing the keys in <paramref name="trustedKeys"/>.</summary>
    public static ProgramProcess Start(string folder, int brokerPort, int agents, string trustedKeys, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            // Status every 2 s, so the outbox depth is seen soon; reconnect within 2 s of the broker coming back.
            ["Edge__StatusSeconds"] = "2",
            ["Mqtt__ReconnectMinSeconds"] = "0.5",
            ["Mqtt__ReconnectMaxSeconds"] = "2",
            // Records the broker acknowledged and the cloud's watermark has not passed go again after 5 s (30 s in production).
            ["Outbox__StallSeconds"] = "5",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return ProgramProcess.Start(ProgramProcess.Edge,
            ["fleet", RepoPaths.SampleSite, "--simulate", "--broker", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{brokerPort}"),
                "--agents", agents.ToString(CultureInfo.InvariantCulture), "--data", Path.Combine(folder, "edge"), "--sample-seconds", "1",
                "--trusted-keys", trustedKeys],
            settings, Path.Combine(folder, "fleet.log"));
    }
}
