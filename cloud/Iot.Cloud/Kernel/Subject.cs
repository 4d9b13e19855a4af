using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Kernel;

/// <summary>
/// What an alert or a work order from the sensors is about: an agent (<c>{agent}</c>, the courtyard unit), one of its
/// devices (<c>{agent}/{device}</c>), or an outlet of a charging station (<c>{agent}/{device}/o{n}</c>). It is stored as
/// that text; staff and resident orders carry their own words, which do not parse as a subject.
/// </summary>
/// <param name="Agent">The agent id.</param>
/// <param name="Device">The device id, when the subject is a device or an outlet.</param>
/// <param name="Outlet">The outlet number, when the subject is an outlet.</param>
public readonly record struct Subject(AgentId Agent, DeviceId? Device = null, int? Outlet = null)
{
    /// <summary>The subject as stored: <c>{agent}</c>, <c>{agent}/{device}</c> or <c>{agent}/{device}/o{n}</c>.</summary>
    public override string ToString() =>
        Device is not { } device ? Agent.Value
        : Outlet is { } o ? string.Create(CultureInfo.InvariantCulture, $"{Agent}/{device}/o{o}")
        : $"{Agent}/{device}";

    /// <summary>Reads a stored subject; false for text that is not one (a staff order's own words, a report's, ids that break the protocol's rules).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Subject? subject)
    {
        subject = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('/');
        if (parts.Length > 3 || !AgentId.TryParse(parts[0], out var agent, out _))
        {
            return false;
        }

        DeviceId? device = null;
        if (parts.Length > 1)
        {
            if (!DeviceId.TryParse(parts[1], out var d, out _))
            {
                return false;
            }

            device = d;
        }

        int? outlet = null;
        if (parts.Length == 3)
        {
            if (parts[2].Length < 2 || parts[2][0] != 'o' || !int.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            outlet = n;
        }

        subject = new Subject(agent, device, outlet);
        return true;
    }
}
