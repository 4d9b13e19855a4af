using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Kernel;

/// <summary>How bad a condition is; decides whether and how fast it becomes a work order and its service level.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Worth knowing; no work order.</summary>
    Warning,

    /// <summary>A nuisance; a work order if it lasts.</summary>
    Minor,

    /// <summary>A real fault (a dark stairway, a broken gate); a work order if it lasts a few minutes.</summary>
    Major,

    /// <summary>Danger to people or property (a charger cut off for heat or smoke, a forced gate, flooding); a work order at once.</summary>
    Critical,
}
