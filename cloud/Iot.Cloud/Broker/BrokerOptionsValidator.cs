using Microsoft.Extensions.Options;

namespace Iot.Cloud.Broker;

/// <summary>Stops the process at start with a message naming the wrong broker setting.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Broker:Host is empty");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Broker:Port {options.Port} is not a TCP port (1-65535)");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Broker:ClientId is empty; each cloud instance needs its own");
        }

        if (options.Username is not null && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Broker:Password is empty while Broker:Username is set");
        }

        if (options.Username is not null && options.EventsUsername is null)
        {
            failures.Add("Broker:EventsUsername is not set while Broker:Username is: device events come on a broker session of their own, with the second account of the provisioning (Broker__EventsUsername and Broker__EventsPassword in cloud/cloud-1.env; provision the broker again to get it)");
        }

        if (options.EventsUsername is not null && string.IsNullOrEmpty(options.EventsPassword))
        {
            failures.Add("Broker:EventsPassword is empty while Broker:EventsUsername is set");
        }

        if (options.CaFile is { } ca && !File.Exists(ca))
        {
            failures.Add($"Broker:CaFile '{ca}' does not exist");
        }

        if (options.SharedGroup.Length > 0 && Iot.Protocol.Identifiers.IdentifierRules.SlugProblem(options.SharedGroup, "Broker:SharedGroup") is { } problem)
        {
            failures.Add(problem);
        }

        if (options.KeepAlive < TimeSpan.FromSeconds(1) || options.KeepAlive > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Broker:KeepAlive {options.KeepAlive} must be between 1 second and 10 minutes");
        }

        if (options.ReceiveMaximum is < 1 or > 65535)
        {
            failures.Add($"Broker:ReceiveMaximum {options.ReceiveMaximum} must be between 1 and 65535");
        }

        if (options.Mode == BrokerMode.Embedded)
        {
            failures.AddRange(EmbeddedProblems(options));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> EmbeddedProblems(BrokerOptions options)
    {
        var accounts = !string.IsNullOrWhiteSpace(options.Accounts);
        if (ListenAddresses.Parse(options.Host) is not { } address)
        {
            yield return $"Broker:Host '{options.Host}' is not an IP address of this machine; the embedded broker listens on one (or on loopback only, the default)";
        }
        else if (!ListenAddresses.IsLoopback(address) && !accounts)
        {
            // DESIGN.md, "Trust and safety": loopback only unless it enforces accounts and the same ACL as Mosquitto.
            yield return $"Broker:Host {options.Host} is not a loopback address: the embedded broker takes clients without an account, so it listens beyond this machine only with Broker:Accounts (the broker/ folder of `iot-edge provision broker`); otherwise use Mosquitto (Broker:Mode=External)";
        }

        if (accounts)
        {
            if (AccountFiles.Missing(options.Accounts!) is { } missing)
            {
                yield return missing;
            }

            if (options.Username is null)
            {
                yield return "Broker:Username is not set: with Broker:Accounts the cloud needs an account on its own broker too (cloud/cloud-1.env of the provisioning output)";
            }
        }

        if (options.MaxPacketBytes is < ProtocolPacketBytes or > MqttMaxPacketBytes)
        {
            yield return $"Broker:MaxPacketBytes {options.MaxPacketBytes} must be between {ProtocolPacketBytes} (a 256 KiB payload and its topic) and {MqttMaxPacketBytes}";
        }

        if (options.MaxConnections is < 1 or > 100_000)
        {
            yield return $"Broker:MaxConnections {options.MaxConnections} must be between 1 and 100000";
        }

        if (options.MaxSessions is < 1 or > 100_000)
        {
            yield return $"Broker:MaxSessions {options.MaxSessions} must be between 1 and 100000";
        }

        if (options.MaxPendingMessagesPerClient is < 1 or > 10_000_000)
        {
            yield return $"Broker:MaxPendingMessagesPerClient {options.MaxPendingMessagesPerClient} must be between 1 and 10000000";
        }
    }

    // The protocol's largest payload, a topic of up to 1 KiB and the packet's headers.
    private const int ProtocolPacketBytes = BrokerOptions.ProtocolMaxPayloadBytes + 2048;

    // MQTT's largest remaining length (268,435,455) and its fixed header.
    private const int MqttMaxPacketBytes = 268_435_460;
}
