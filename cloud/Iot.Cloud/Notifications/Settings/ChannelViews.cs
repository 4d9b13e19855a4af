using Iot.Cloud.Notifications.Channels;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>
/// A channel as the settings page and API show it: never its secret or the key in its address (<c>Address</c> is without
/// its query; <c>HasSecret</c> says one is set). <c>Configured</c>: set in configuration, not editable on the page;
/// <c>Unreadable</c>: the stored address or secret cannot be opened with this cloud's keys, so enter them again.
/// </summary>
public sealed record ChannelView(string Name, ChannelKind Kind, string Party, bool Configured, string? Host, string? Address, bool HasSecret, bool Unreadable, string MinSeverity,
    IReadOnlyDictionary<string, string> Templates, string? AccessKeyId, string? SignName, IReadOnlyList<string> Phones, string? OnDutyFallback, string? Supervisor, int Shifts)
{
    public static ChannelView Of(DirectoryChannel d, RotaOptions? rota)
    {
        ArgumentNullException.ThrowIfNull(d);
        var c = d.Channel;
        return new(d.Name, c.Kind, c.Party, d.Configured, c.Url?.Host, c.Url is null ? null : ChannelRules.Shown(c.Url), !string.IsNullOrEmpty(c.Secret), d.Unreadable is not null,
            c.MinSeverity.ToString(), c.Templates, c.AccessKeyId, c.SignName, [.. c.Phones.Select(p => DeliveryView.Mask(p)!)],
            DeliveryView.Mask(rota?.Fallback), DeliveryView.Mask(rota?.Supervisor), rota?.Shifts.Count ?? 0);
    }
}

/// <summary>A party's rota as its editors see it (whole mobiles: they are the party's own staff); <c>Configured</c>: not editable on the page.</summary>
public sealed record RotaView(string Party, string PartyName, bool Configured, IReadOnlyList<ShiftOptions> Shifts, string? Fallback, string? Supervisor);
