using System.Reflection;

namespace Iot.Edge.Agent;

/// <summary>The agent software's version, as status reports it.</summary>
public static class AgentVersion
{
    /// <summary>From the assembly (the csproj's Version).</summary>
    public static string Current { get; } =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
