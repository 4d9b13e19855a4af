using Iot.Edge.Agent;

namespace Iot.Edge.Config;

/// <summary>The agent itself (section <c>Edge</c>); the verbs fill it from the command line.</summary>
public sealed class EdgeOptions
{
    /// <summary>The site folder (site.json and communities/*.json).</summary>
    public string? Site { get; set; }

    /// <summary>The agent to run (<c>run</c> verb).</summary>
    public string? Agent { get; set; }

    /// <summary>Run over simulated chips instead of the Pi's buses.</summary>
    public bool Simulate { get; set; }

    /// <summary>Where outboxes and interlock latches live; one sub-folder per agent.</summary>
    public string DataFolder { get; set; } = Path.Combine("data", "edge");

    /// <summary><c>fleet</c>: run only the first N agents of the site (0: all).</summary>
    public int Agents { get; set; }

    /// <summary>Overrides every manifest's sampleSeconds (for load tests); null keeps the manifests'.</summary>
    public double? SampleSeconds { get; set; }

    /// <summary>How to tell whether the clock is synced.</summary>
    public ClockMode Clock { get; set; } = ClockMode.Kernel;

    /// <summary>How often the agent looks at its devices for time-based checks, ms.</summary>
    public int TickMilliseconds { get; set; } = 250;

    /// <summary>Seconds between status updates (besides birth, changes and requests).</summary>
    public int StatusSeconds { get; set; } = 60;

    /// <summary>Free bytes under which the disk counts as low (a <c>diskLow</c> event).</summary>
    public long DiskLowBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Seconds after start when the agent gives back the memory only start-up needed (a decommitting GC, and the binary's
    /// code pages unmapped: edge/README.md, "Footprint"); 0 keeps it.
    /// </summary>
    public int ReleaseStartupMemorySeconds { get; set; } = 15;

    /// <summary>
    /// The folder of public keys (<c>*.pub.pem</c>) whose signatures the agent believes on configs and commands: the
    /// cloud's, from the bundle (two while the cloud's key is being changed). Unset, the agent trusts no one and refuses
    /// every config and command it is sent.
    /// </summary>
    public string? TrustedKeys { get; set; }

    /// <summary>The public keys in <see cref="TrustedKeys"/> (none when it is unset).</summary>
    public Protocol.Signing.TrustedKeys LoadTrustedKeys() =>
        Protocol.Signing.TrustedKeys.FromPem(TrustedKeys is null ? [] : Directory.GetFiles(TrustedKeys, "*.pub.pem").Order(StringComparer.Ordinal).Select(File.ReadAllText));
}
