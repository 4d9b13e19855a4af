using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>
/// A channel set on the settings page (or its API) rather than in configuration. Its secrets — the signing secret and the
/// address, whose query holds a robot's key — are kept sealed with the cloud's data-protection key ring and never shown.
/// </summary>
public sealed class StoredChannel
{
    /// <summary>The channel's name, also its queue; never the name of a configured channel.</summary>
    public required string Name { get; set; }

    public ChannelKind Kind { get; set; }

    public required string Party { get; set; }

    /// <summary>The address without its query, for the page (a robot's key is in the query).</summary>
    public required string Address { get; set; }

    /// <summary>The whole address, sealed.</summary>
    public required string SealedUrl { get; set; }

    /// <summary>The signing or AccessKey secret, sealed; null when none was given.</summary>
    public string? SealedSecret { get; set; }

    public Severity MinSeverity { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SignName { get; set; }

    /// <summary>SMS template code per message family, as JSON (<c>{"alert":"SMS_300001"}</c>).</summary>
    public string TemplatesJson { get; set; } = "{}";

    /// <summary>SMS: mobiles texted besides the on-duty person, as JSON.</summary>
    public string PhonesJson { get; set; } = "[]";

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>A party's rota set on the settings page (a party whose rota is in configuration has none here).</summary>
public sealed class StoredRota
{
    public required string Party { get; set; }

    /// <summary>The shifts as JSON (<see cref="ShiftOptions"/>).</summary>
    public string ShiftsJson { get; set; } = "[]";

    public string? Fallback { get; set; }

    public string? Supervisor { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}
