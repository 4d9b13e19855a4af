using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Commands;

/// <summary>The refusals an agent is known to give, so the pages can say them in Chinese beside the agent's own words.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<RefusalKind>))]
public enum RefusalKind
{
    /// <summary>The station is still too hot to reset: values are the temperature and the level it must fall below (°C).</summary>
    StillHot,

    /// <summary>The smoke detector still alarms.</summary>
    Smoke,

    /// <summary>Locked out after a repeated trip: the value is the minutes left.</summary>
    LockedOut,

    /// <summary>The outlet's sensing does not work, so it may not be powered.</summary>
    SensingFailed,

    /// <summary>The outlet is not cut off (nothing to reset).</summary>
    NotLatched,

    /// <summary>The agent has no such device or outlet (its manifest differs from the cloud's).</summary>
    NoSuchDevice,

    /// <summary>This command id was carried out before: a replay or a redelivery.</summary>
    Repeated,

    /// <summary>Issued more than five minutes from the agent's clock.</summary>
    Stale,

    /// <summary>Addressed to another agent.</summary>
    Misaddressed,

    /// <summary>Unsigned, signed by a key the agent does not trust, or altered on the way.</summary>
    Untrusted,
}

/// <summary>A recognised refusal: its kind and the figures in it.</summary>
public sealed record AgentRefusal(RefusalKind Kind, IReadOnlyList<string> Values)
{
    private static readonly string[] Groups = ["a", "b"];

    private static readonly (Regex Pattern, RefusalKind Kind)[] Known =
    [
        (new(@"still reads (?<a>-?[\d.]+) Cel; it cannot be reset until it is below (?<b>-?[\d.]+) Cel", RegexOptions.CultureInvariant), RefusalKind.StillHot),
        (new(@"smoke detector still alarms", RegexOptions.CultureInvariant), RefusalKind.Smoke),
        (new(@"is locked out after a repeated trip; resets are refused for another (?<a>\d+) min", RegexOptions.CultureInvariant), RefusalKind.LockedOut),
        (new(@"cannot be reset while its sensing does not work", RegexOptions.CultureInvariant), RefusalKind.SensingFailed),
        (new(@"^outlet \d+ is not latched", RegexOptions.CultureInvariant), RefusalKind.NotLatched),
        (new(@"^(no charging station|no streetlight) '.*' on this agent|has no outlet \d+", RegexOptions.CultureInvariant), RefusalKind.NoSuchDevice),
        (new(@"was carried out before", RegexOptions.CultureInvariant), RefusalKind.Repeated),
        (new(@"^refused: issued .* minutes from this agent's clock", RegexOptions.CultureInvariant), RefusalKind.Stale),
        (new(@"^refused: the command is for agent", RegexOptions.CultureInvariant), RefusalKind.Misaddressed),
        (new(@"^refused: (unsigned|signed with|signed as|the signature|the signed message|the message is)", RegexOptions.CultureInvariant), RefusalKind.Untrusted),
    ];

    /// <summary>What the agent's <paramref name="error"/> means, or null when it is not one the cloud knows.</summary>
    public static AgentRefusal? Explain(string? error)
    {
        if (string.IsNullOrEmpty(error))
        {
            return null;
        }

        foreach (var (pattern, kind) in Known)
        {
            if (pattern.Match(error) is { Success: true } match)
            {
                var values = Groups.Select(n => match.Groups[n]).Where(g => g.Success).Select(g => Round(g.Value)).ToList();
                return new AgentRefusal(kind, values);
            }
        }

        return null;
    }

    private static string Round(string number) =>
        double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value.ToString("0.#", CultureInfo.InvariantCulture) : number;
}
