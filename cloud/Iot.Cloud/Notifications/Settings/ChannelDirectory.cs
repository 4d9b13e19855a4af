using System.Security.Cryptography;
using System.Text.Json;
using Iot.Cloud.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>
/// A channel and where it was set: <c>Configured</c> in configuration (<c>Webhooks:Channels</c>, shown, never edited on
/// the page) or on the page; <c>Unreadable</c> says why a stored secret cannot be opened (the key ring changed), or is null.
/// </summary>
public sealed record DirectoryChannel(string Name, ChannelOptions Channel, bool Configured, string? Unreadable = null);

/// <summary>Every channel and rota at one moment: configuration's first, then the page's.</summary>
public sealed record ChannelSet(IReadOnlyList<DirectoryChannel> Channels, IReadOnlyDictionary<string, RotaOptions> Rotas, IReadOnlySet<string> ConfiguredRotas)
{
    public RotaOptions? Rota(string party) => Rotas.GetValueOrDefault(party);
}

/// <summary>
/// Where the notifications find their channels and rotas: configuration, and the settings page's tables, read at each
/// use (a small table, read when a message is queued or sent), so a change on the page counts at once on every instance.
/// Stored secrets are sealed with the data-protection key ring (purpose <see cref="Purpose"/>); a secret the ring can
/// no longer open makes the channel fail with words that say so, never with the sealed text.
/// </summary>
public sealed class ChannelDirectory(IOptions<WebhookOptions> options, IDataProtectionProvider protection)
{
    public const string Purpose = "Iot.Cloud.Notifications.ChannelSecrets.v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public WebhookOptions Options => options.Value;

    /// <summary>Whether <paramref name="name"/> is a configured channel's.</summary>
    public bool IsConfigured(string name) => options.Value.AllChannels().Any(c => c.Name == name);

    /// <summary>Every channel and rota, the stored secrets opened only when <paramref name="secrets"/>.</summary>
    public async Task<ChannelSet> LoadAsync(CloudDb db, bool secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var o = options.Value;
        var configured = o.AllChannels().Select(c => new DirectoryChannel(c.Name, c.Channel, true)).ToList();
        var names = configured.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var stored = await db.StoredChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var rotas = await db.StoredRotas.AsNoTracking().ToListAsync(cancellationToken);
        var allRotas = rotas.Where(r => !o.Rota.ContainsKey(r.Party)).ToDictionary(r => r.Party, RotaOf, StringComparer.Ordinal);
        foreach (var (party, rota) in o.Rota)
        {
            allRotas[party] = rota;
        }

        return new ChannelSet([.. configured, .. stored.Where(c => !names.Contains(c.Name)).Select(c => Open(c, secrets))], allRotas, o.Rota.Keys.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>One channel with its secrets, or null.</summary>
    public async Task<DirectoryChannel?> FindAsync(CloudDb db, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (options.Value.AllChannels().FirstOrDefault(c => c.Name == name) is { Channel: not null } configured)
        {
            return new DirectoryChannel(configured.Name, configured.Channel, true);
        }

        return await db.StoredChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is { } stored ? Open(stored, secrets: true) : null;
    }

    public string Seal(string plain) => _protector.Protect(plain);

    /// <summary>The plain text, or null when the key ring cannot open it.</summary>
    public string? Open(string sealedText)
    {
        try
        {
            return _protector.Unprotect(sealedText);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static RotaOptions RotaOf(StoredRota rota)
    {
        ArgumentNullException.ThrowIfNull(rota);
        return new RotaOptions { Shifts = JsonSerializer.Deserialize<List<ShiftOptions>>(rota.ShiftsJson, Json) ?? [], Fallback = rota.Fallback, Supervisor = rota.Supervisor };
    }

    public static string ShiftsJson(IEnumerable<ShiftOptions> shifts) => JsonSerializer.Serialize(shifts, Json);

    public static Dictionary<string, string> Templates(StoredChannel c) => JsonSerializer.Deserialize<Dictionary<string, string>>(c.TemplatesJson, Json) ?? [];

    public static List<string> Phones(StoredChannel c) => JsonSerializer.Deserialize<List<string>>(c.PhonesJson, Json) ?? [];

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    private DirectoryChannel Open(StoredChannel c, bool secrets)
    {
        var channel = new ChannelOptions
        {
            Kind = c.Kind, Party = c.Party, MinSeverity = c.MinSeverity, AccessKeyId = c.AccessKeyId, SignName = c.SignName,
            Templates = Templates(c), Phones = Phones(c), Url = new Uri(c.Address),
        };
        if (!secrets)
        {
            // The page and the routing need to know a secret is there, not what it is.
            channel.Secret = c.SealedSecret is null ? null : "(sealed)";
            return new DirectoryChannel(c.Name, channel, false);
        }

        var url = Open(c.SealedUrl);
        var secret = c.SealedSecret is null ? null : Open(c.SealedSecret);
        channel.Url = url is null ? channel.Url : new Uri(url);
        channel.Secret = secret;
        var unreadable = url is null || (c.SealedSecret is not null && secret is null)
            ? $"the stored address or secret of channel '{c.Name}' cannot be opened with this cloud's data-protection keys (key ring lost or not shared): enter them again on /admin/notifications"
            : null;
        return new DirectoryChannel(c.Name, channel, false, unreadable);
    }
}
