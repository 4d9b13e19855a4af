using System.Globalization;

namespace Iot.Edge.Provisioning;

/// <summary>The options of <c>iot-edge provision</c>.</summary>
internal sealed class ProvisionArguments
{
    public string? Site { get; private set; }

    public string Out { get; private set; } = ProvisioningLayout.DefaultRoot;

    public List<string> Hosts { get; } = [];

    public int CloudInstances { get; private set; } = 1;

    public string? Agent { get; private set; }

    public string? Broker { get; private set; }

    public string? Binary { get; private set; }

    /// <summary>The cloud's public signing key(s), for bundles: one, or the old and the new during a key change.</summary>
    public List<string> CloudKeys { get; } = [];

    public static ProvisionArguments? Parse(string[] args, out string? problem)
    {
        problem = null;
        var options = new ProvisionArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                if (options.Site is not null)
                {
                    problem = $"one site folder only ('{options.Site}', then '{arg}')";
                    return null;
                }

                options.Site = arg;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"{arg} needs a value";
                return null;
            }

            var value = args[++i];
            switch (arg)
            {
                case "--out":
                    options.Out = value;
                    break;
                case "--host" when Uri.CheckHostName(value) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6:
                    options.Hosts.Add(value);
                    break;
                case "--host":
                    problem = $"--host '{value}' is not a host name or IP address";
                    return null;
                case "--cloud-instances" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 32:
                    options.CloudInstances = n;
                    break;
                case "--cloud-instances":
                    problem = $"--cloud-instances '{value}' must be 1 to 32";
                    return null;
                case "--agent":
                    options.Agent = value;
                    break;
                case "--broker" when IsHostPort(value):
                    options.Broker = value;
                    break;
                case "--broker":
                    problem = $"--broker '{value}' is not host:port (e.g. mqtt.example.org:8883)";
                    return null;
                case "--binary":
                    options.Binary = value;
                    break;
                case "--cloud-key":
                    options.CloudKeys.Add(value);
                    break;
                default:
                    problem = $"unknown argument '{arg}'";
                    return null;
            }
        }

        return options;
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0
            && Uri.CheckHostName(value[..colon]) != UriHostNameType.Unknown
            && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
    }
}
