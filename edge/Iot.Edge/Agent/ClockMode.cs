namespace Iot.Edge.Agent;

/// <summary>How the agent decides whether its clock can be trusted for <c>at</c> time stamps.</summary>
public enum ClockMode
{
    /// <summary>Ask the kernel (adjtimex): synced once NTP has disciplined the clock. For a Pi without a real-time clock.</summary>
    Kernel,

    /// <summary>Trust the wall clock once it reads a plausible date (2020 or later). For laptops and the simulated fleet.</summary>
    WallClock,
}
