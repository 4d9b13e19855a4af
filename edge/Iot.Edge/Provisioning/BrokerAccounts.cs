namespace Iot.Edge.Provisioning;

/// <summary>The broker accounts that are not agents.</summary>
public static class BrokerAccounts
{
    /// <summary>The health-check account of the broker's container: it may read <c>$SYS/broker/uptime</c>, nothing else.</summary>
    public const string Health = "health";

    /// <summary>
    /// Cloud instance <paramref name="instance"/>'s account (<c>cloud-1</c>, ...). The broker uses the user name as
    /// the client id (<c>use_username_as_clientid</c>), so each instance needs its own account and no agent can take
    /// over the cloud's session.
    /// </summary>
    public static string Cloud(int instance) => $"cloud-{instance.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Cloud instance <paramref name="instance"/>'s second account (<c>cloud-1-events</c>, ...), for its event session:
    /// device events reach the cloud on a broker session of their own, so an alarm never waits behind the telemetry the
    /// broker has in flight to the cloud. It may only read the agents' events.
    /// </summary>
    public static string CloudEvents(int instance) => $"{Cloud(instance)}-events";

    /// <summary>Whether <paramref name="name"/> is one of these accounts, so no agent may be called that.</summary>
    public static bool IsReserved(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var cloud = name.EndsWith("-events", StringComparison.Ordinal) ? name[..^"-events".Length] : name;
        return name == Health || (cloud.StartsWith("cloud-", StringComparison.Ordinal) && int.TryParse(cloud.AsSpan(6), out _));
    }
}
