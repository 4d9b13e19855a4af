using System.Globalization;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Uplink;

/// <summary>The MQTT uplink (section <c>Mqtt</c>).</summary>
public sealed class MqttOptions
{
    /// <summary>The broker as <c>host:port</c>.</summary>
    public string Broker { get; set; } = "127.0.0.1:1883";

    /// <summary>The agent's broker account; null connects anonymously.</summary>
    public string? Username { get; set; }

    /// <summary>Its password.</summary>
    public string? Password { get; set; }

    /// <summary>Connect over TLS.</summary>
    public bool UseTls { get; set; }

    /// <summary>The CA certificate (PEM) the broker's certificate must chain to; the system's roots are not trusted when set.</summary>
    public string? CaFile { get; set; }

    /// <summary>MQTT keep-alive, s: the broker publishes the Last Will within 1.5 × this after the link dies.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How long the broker keeps the session (subscriptions, queued commands) while the agent is away, s.</summary>
    public uint SessionExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>First reconnect delay, s; it doubles up to <see cref="ReconnectMaxSeconds"/>, with jitter.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;

    /// <summary>Longest reconnect delay, s.</summary>
    public double ReconnectMaxSeconds { get; set; } = 60;

    /// <summary>Splits <see cref="Broker"/>.</summary>
    public (string Host, int Port) Endpoint()
    {
        var colon = Broker.LastIndexOf(':');
        return (Broker[..colon], int.Parse(Broker[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}

/// <summary>Refuses uplink settings that cannot work, naming the setting.</summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var colon = options.Broker?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(options.Broker![(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            failures.Add($"Mqtt:Broker '{options.Broker}' is not host:port (e.g. 127.0.0.1:1883)");
        }

        if (options.Username is not null && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Mqtt:Password is missing for Mqtt:Username; give both or neither");
        }

        if (options.CaFile is { } ca && !File.Exists(ca))
        {
            failures.Add($"Mqtt:CaFile '{ca}' does not exist");
        }

        if (options.CaFile is not null && !options.UseTls)
        {
            failures.Add("Mqtt:CaFile is set but Mqtt:UseTls is false; a pinned CA only means something over TLS");
        }

        if (options.KeepAliveSeconds is < 5 or > 3600)
        {
            failures.Add($"Mqtt:KeepAliveSeconds is {options.KeepAliveSeconds}; it must be 5 to 3600");
        }

        if (!(options.ReconnectMinSeconds > 0) || !(options.ReconnectMaxSeconds >= options.ReconnectMinSeconds))
        {
            failures.Add($"Mqtt:ReconnectMinSeconds ({options.ReconnectMinSeconds}) must be above 0 and at most Mqtt:ReconnectMaxSeconds ({options.ReconnectMaxSeconds})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
