using System.Net;
using System.Text.RegularExpressions;
using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>A channel as sent to <c>PUT /api/notifications/channels/{name}</c>; an empty <see cref="Url"/> or <see cref="Secret"/> keeps the stored one.</summary>
public sealed record ChannelRequest(string? Party, ChannelKind? Kind, string? Url = null, string? Secret = null, Severity? MinSeverity = null,
    string? AccessKeyId = null, string? SignName = null, Dictionary<string, string>? Templates = null, List<string>? Phones = null);

/// <summary>A rota as sent to <c>PUT /api/notifications/rota/{party}</c>.</summary>
public sealed record RotaRequest(List<ShiftRequest>? Shifts = null, string? Fallback = null, string? Supervisor = null);

/// <summary>One shift as sent: days (<c>monday</c>, or 1 to 7), <c>from</c> and <c>to</c> as <c>HH:mm</c> in Kunming time, and the mobile.</summary>
public sealed record ShiftRequest(List<string>? Days = null, string? From = null, string? To = null, string? Mobile = null)
{
    public static ShiftRequest Of(ShiftOptions s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new([.. s.Days.Select(d => d.ToString())], s.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), s.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), s.Mobile);
    }
}

/// <summary>What is wrong with a setting: the field, and the words (an English template that has its Chinese in Texts).</summary>
public sealed record SettingProblem(string Field, FormattableString Words);

/// <summary>
/// The checks of a channel or rota entered on the page (pure): the rules configuration follows too (<see cref="ChannelRule"/>), and
/// beyond them no address on this machine or a private network unless <see cref="WebhookOptions.PageChannelsMayBeLocal"/>:
/// a supervisor must not make the cloud post to its own database or broker.
/// </summary>
public static partial class ChannelRules
{
    public const int MaxUrl = 500;

    public static readonly string[] TemplateFamilies = ["alert", "workOrder", "recovered"];

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public static partial Regex NamePattern();

    [GeneratedRegex(@"^1\d{10}$")]
    private static partial Regex MobilePattern();

    /// <summary>The address as the page may show it: without its query (a robot's key) and user info.</summary>
    public static string Shown(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path);
    }

    public static bool IsMobile(string? text) => text is not null && MobilePattern().IsMatch(text);

    /// <summary>Checks the parsed address, whether a secret will be there, and the SMS fields.</summary>
    public static List<SettingProblem> Check(ChannelKind kind, Uri? url, string? urlText, bool hasSecret, ChannelRequest body, bool mayBeLocal)
    {
        ArgumentNullException.ThrowIfNull(body);
        var problems = new List<SettingProblem>();
        if (url is null)
        {
            problems.Add(urlText is null
                ? new("url", $"url: give the channel's address (https://...)")
                : new("url", $"url: '{Cut(urlText)}' is not an absolute http(s) address"));
        }
        else
        {
            var shown = Shown(url);
            if (ChannelRule.IsPlainHttpOffLoopback(url))
            {
                problems.Add(new("url", $"url: '{shown}' is plain http; only https is allowed outside loopback"));
            }
            else if (!mayBeLocal && IsLocal(url))
            {
                problems.Add(new("url", $"url: '{shown}' is on this machine or a private network; the page takes only public addresses"));
            }
            else if (!string.IsNullOrEmpty(url.UserInfo))
            {
                problems.Add(new("url", $"url: put no user name or password in the address"));
            }
        }

        if (ChannelRule.Signs(kind) && !hasSecret)
        {
            problems.Add(new("secret", $"secret: a {kind} channel signs its requests; give its secret"));
        }

        if (kind == ChannelKind.Sms)
        {
            if (string.IsNullOrWhiteSpace(body.AccessKeyId) || body.AccessKeyId.Length > 64)
            {
                problems.Add(new("accessKeyId", $"accessKeyId: an SMS channel needs its AccessKey id (at most 64 characters)"));
            }

            if (string.IsNullOrWhiteSpace(body.SignName) || body.SignName.Length > 32)
            {
                problems.Add(new("signName", $"signName: an SMS channel needs its approved signature name (at most 32 characters)"));
            }

            var templates = body.Templates ?? [];
            if (templates.Count == 0 || templates.Any(t => !TemplateFamilies.Contains(t.Key) || string.IsNullOrWhiteSpace(t.Value) || t.Value.Length > 64))
            {
                problems.Add(new("templates", $"templates: give approved template codes for alert, workOrder or recovered (e.g. SMS_300001)"));
            }
        }

        foreach (var phone in body.Phones ?? [])
        {
            if (!IsMobile(phone))
            {
                problems.Add(new("phones", $"phones: '{Cut(phone ?? string.Empty)}' is not a mobile number (11 digits, starting with 1)"));
            }
        }

        return problems;
    }

    /// <summary>Checks a rota (mobiles, each shift's days and hours, someone named at all) and reads its shifts.</summary>
    public static List<SettingProblem> Check(RotaRequest body, out List<ShiftOptions> shifts)
    {
        ArgumentNullException.ThrowIfNull(body);
        var problems = new List<SettingProblem>();
        var sent = body.Shifts ?? [];
        shifts = [];
        if (sent.Count > 50)
        {
            problems.Add(new("shifts", $"shifts: at most 50"));
        }

        for (var i = 0; i < sent.Count; i++)
        {
            var s = sent[i];
            var line = i + 1;
            List<DayOfWeek?> days = [.. (s?.Days ?? []).Select(d => ShiftText.DayOf(d ?? string.Empty))];
            if (days.Count == 0 || days.Any(d => d is null) || !TimeOnly.TryParse(s!.From, System.Globalization.CultureInfo.InvariantCulture, out var from)
                || !TimeOnly.TryParse(s.To, System.Globalization.CultureInfo.InvariantCulture, out var to) || from == to || !IsMobile(s.Mobile))
            {
                problems.Add(new("shifts", $"shifts: shift {line} needs days, a start and an end that differ, and a mobile number (11 digits)"));
                continue;
            }

            shifts.Add(new ShiftOptions { Days = [.. days.Select(d => d!.Value).Distinct()], From = from, To = to, Mobile = s.Mobile! });
        }

        if (body.Fallback is { Length: > 0 } fallback && !IsMobile(fallback))
        {
            problems.Add(new("fallback", $"fallback: '{Cut(fallback)}' is not a mobile number (11 digits, starting with 1)"));
        }

        if (body.Supervisor is { Length: > 0 } supervisor && !IsMobile(supervisor))
        {
            problems.Add(new("supervisor", $"supervisor: '{Cut(supervisor)}' is not a mobile number (11 digits, starting with 1)"));
        }

        if (sent.Count == 0 && string.IsNullOrEmpty(body.Fallback))
        {
            problems.Add(new("shifts", $"shifts: the rota names nobody; give shifts or a fallback"));
        }

        return problems;
    }

    /// <summary>Loopback, private, link-local or unique-local addresses, and names that mean this machine.</summary>
    public static bool IsLocal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.IsLoopback || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || !url.Host.Contains('.', StringComparison.Ordinal) && url.HostNameType == UriHostNameType.Dns)
        {
            return true;
        }

        if (!IPAddress.TryParse(url.DnsSafeHost, out var ip))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var b = ip.GetAddressBytes();
        return IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || ip.IsIPv6Multicast
            || (b.Length == 4 && (b[0] is 10 or 127 or 0 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224));
    }

    private static string Cut(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
