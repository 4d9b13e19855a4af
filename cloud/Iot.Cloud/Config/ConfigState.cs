using Iot.Cloud.Data;

namespace Iot.Cloud.Config;

/// <summary>Where an agent stands with its desired configuration.</summary>
public static class ConfigState
{
    /// <summary><c>inSync</c>, <c>rejected</c> (with reasons) or <c>pending</c>.</summary>
    public static string Of(Agent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.AppliedHash == agent.DesiredHash ? "inSync"
            : agent.RejectedHash == agent.DesiredHash ? "rejected"
            : "pending";
    }
}
