namespace Iot.Cloud.Broker;

/// <summary>Which MQTT broker the cloud uses and how it connects (section <c>Broker</c>).</summary>
public sealed class BrokerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Broker";

    /// <summary>
    /// <c>Embedded</c> (default): an MQTTnet broker inside this process, for one machine.
    /// <c>External</c>: Mosquitto, EMQX or any MQTT 5 broker at <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>
    /// Broker host (external). The embedded broker always listens on 127.0.0.1 and ::1; an address beyond this machine
    /// here (a LAN address, 0.0.0.0, ::) is listened on as well, and is allowed only with <see cref="Accounts"/>.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker port (1883 plain, usually 8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The cloud's MQTT account on an external broker.</summary>
    public string? Username { get; set; }

    /// <summary>Its password; give it through the environment (Broker__Password), never a committed file.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The account of the cloud's event session (<c>cloud-1-events</c> of the provisioning): device events come on a
    /// broker session of their own, so an alarm never waits behind the telemetry the broker has in flight to the cloud.
    /// Required whenever <see cref="Username"/> is set (the broker makes the user name the client id, so one account
    /// cannot hold two sessions).
    /// </summary>
    public string? EventsUsername { get; set; }

    /// <summary>Its password; give it through the environment (Broker__EventsPassword).</summary>
    public string? EventsPassword { get; set; }

    /// <summary>Connect with TLS.</summary>
    public bool UseTls { get; set; }

    /// <summary>The CA certificate (PEM) that signed the broker's certificate; when set, only that CA is trusted.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// Shared-subscription group for external brokers: every cloud instance with the same group splits the
    /// agents' messages. Empty (the default, one instance) for a plain subscription, which Mosquitto restores from
    /// its persistence after a restart; it does not restore shared ones, so a group costs the messages sent in between.
    /// </summary>
    public string SharedGroup { get; set; } = string.Empty;

    /// <summary>The MQTT client id; each cloud instance needs its own (its session and unacknowledged messages live under it).</summary>
    public string ClientId { get; set; } = "iot-cloud-1";

    /// <summary>Keep-alive interval.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many unacknowledged messages the broker may send at once (MQTT 5 receive maximum): bounds what is in flight. The
    /// cloud keeps to it itself too (<see cref="ReceiveGate"/>): Mosquitto before 2.0.12 sends more.
    /// </summary>
    public int ReceiveMaximum { get; set; } = 2000;

    /// <summary>
    /// Embedded broker: the folder with Mosquitto's password file and ACL (<c>passwd</c>, <c>acl</c>), the <c>broker/</c>
    /// folder of <c>iot-edge provision broker</c>'s output. When set, every client needs an account and the ACL applies,
    /// as on Mosquitto; when empty, clients connect without one, and the broker listens on loopback only.
    /// </summary>
    public string? Accounts { get; set; }

    /// <summary>Embedded broker: the largest MQTT packet accepted, in bytes (a 256 KiB payload with room for its topic; Mosquitto's <c>max_packet_size</c>).</summary>
    public int MaxPacketBytes { get; set; } = DefaultMaxPacketBytes;

    /// <summary>Embedded broker: connections open at once; more are closed at once.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Embedded broker: sessions kept (connected clients and persistent sessions of absent ones); a new client id beyond them is refused.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Embedded broker: messages queued for one client; beyond them the oldest are dropped (Mosquitto's <c>max_queued_messages</c>).</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 100_000;

    /// <summary>
    /// These settings as the cloud's own connection uses them: a wildcard the embedded broker listens on (0.0.0.0, ::)
    /// is no address to connect to, so the cloud reaches its own broker on loopback of the same family.
    /// </summary>
    public BrokerOptions ForOwnConnection()
    {
        var own = (BrokerOptions)MemberwiseClone();
        if (Mode == BrokerMode.Embedded && ListenAddresses.Parse(Host) is { } address)
        {
            own.Host = address.Equals(System.Net.IPAddress.Any) ? "127.0.0.1" : address.Equals(System.Net.IPAddress.IPv6Any) ? "::1" : Host;
        }

        return own;
    }

    /// <summary>The event session's settings: its own account and client id, the rest as the main session's.</summary>
    public BrokerOptions ForEventSession()
    {
        var events = ForOwnConnection();
        events.Username = EventsUsername;
        events.Password = EventsPassword;
        events.ClientId = $"{ClientId}-events";
        return events;
    }

    /// <summary>The same as Mosquitto's <c>max_packet_size</c> in firmware-config/broker/iot.conf.</summary>
    public const int DefaultMaxPacketBytes = 300_000;

    /// <summary>The protocol's largest payload (protocol/README.md, "Transport").</summary>
    public const int ProtocolMaxPayloadBytes = 256 * 1024;
}

/// <summary>Where the broker runs.</summary>
public enum BrokerMode
{
    /// <summary>Inside the cloud process (MQTTnet server).</summary>
    Embedded,

    /// <summary>A separate broker (Mosquitto, EMQX).</summary>
    External,
}
