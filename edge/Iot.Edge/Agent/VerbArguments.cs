using System.Globalization;

namespace Iot.Edge.Agent;

/// <summary>
/// Turns a verb's command line into configuration keys (<c>--broker</c> → <c>Mqtt:Broker</c>), so the verbs,
/// appsettings.json and environment variables (<c>Mqtt__Password</c>) all land in the same options classes.
/// </summary>
public static class VerbArguments
{
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["--agent"] = "Edge:Agent",
        ["--broker"] = "Mqtt:Broker",
        ["--data"] = "Edge:DataFolder",
        ["--agents"] = "Edge:Agents",
        ["--sample-seconds"] = "Edge:SampleSeconds",
        ["--user"] = "Mqtt:Username",
        ["--seed"] = "Simulation:Seed",
        ["--trusted-keys"] = "Edge:TrustedKeys",
    };

    /// <summary>The configuration the arguments give, or the reason they are not understood.</summary>
    public static Dictionary<string, string?>? Parse(string[] args, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        problem = null;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--simulate")
            {
                settings["Edge:Simulate"] = "true";
            }
            else if (Keys.TryGetValue(arg, out var key))
            {
                if (i + 1 >= args.Length)
                {
                    problem = $"{arg} needs a value";
                    return null;
                }

                settings[key] = args[++i];
            }
            else if (!arg.StartsWith('-') && !settings.ContainsKey("Edge:Site"))
            {
                settings["Edge:Site"] = arg;
            }
            else
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"unknown argument '{arg}'");
                return null;
            }
        }

        return settings;
    }
}
