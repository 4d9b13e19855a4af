using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Sites;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>How an edit ended.</summary>
public enum EditOutcome
{
    Saved,

    /// <summary>Not there, or not the editor's to see (another party's).</summary>
    NotFound,

    /// <summary>Refused, with the problems.</summary>
    Refused,
}

/// <summary>The outcome, and the problems when refused.</summary>
public sealed record EditResult(EditOutcome Outcome, IReadOnlyList<SettingProblem> Problems)
{
    public static EditResult Saved { get; } = new(EditOutcome.Saved, []);

    public static EditResult NotFound { get; } = new(EditOutcome.NotFound, []);

    public static EditResult Refuse(params SettingProblem[] problems) => new(EditOutcome.Refused, problems);
}

/// <summary>
/// The one way a person changes a channel or a rota, for the API and the settings page alike: scope (the street office
/// every party, a company's supervisor its own), the checks (<see cref="ChannelRules"/>), secrets sealed and kept when
/// left empty, and an audit entry that says who changed what — never a secret or a robot's key.
/// </summary>
public sealed class ChannelEditor(CloudDb db, ChannelDirectory directory, SiteRegistry registry, TimeProvider time)
{
    /// <summary>The street office manages every party's channels and rota; a company's supervisor its own party's.</summary>
    public static bool MayManage(AccessScope scope, string party)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.SeesEverything || (scope.Role == StaffRole.CompanySupervisor && scope.Party is not null && scope.Party == party);
    }

    /// <summary>The parties <paramref name="scope"/> may manage, by id and name.</summary>
    public IReadOnlyList<(string Id, string Name)> Parties(AccessScope scope) =>
        [.. (registry.Current?.Site.Manifest.Parties ?? []).Where(p => MayManage(scope, p.Id.Value)).Select(p => (p.Id.Value, p.Name))];

    public async Task<EditResult> SaveChannelAsync(string name, ChannelRequest body, AccessScope scope, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(scope);
        var old = await db.StoredChannels.FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (old is not null && !MayManage(scope, old.Party))
        {
            return EditResult.NotFound;
        }

        if (!ChannelRules.NamePattern().IsMatch(name))
        {
            return EditResult.Refuse(new SettingProblem("name", $"name: use 1 to 64 lower-case letters, digits and . _ -"));
        }

        if (directory.IsConfigured(name))
        {
            return EditResult.Refuse(new SettingProblem("name", $"name: {name} is set in configuration and cannot be changed here; choose another name"));
        }

        var party = body.Party?.Trim() ?? string.Empty;
        if (!Parties(scope).Any(p => p.Id == party))
        {
            // As for a courtyard in a body: another's party is answered as if it did not exist.
            return EditResult.Refuse(new SettingProblem("party", $"party: unknown party '{party}'"));
        }

        if (body.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            return EditResult.Refuse(new SettingProblem("kind", $"kind: choose WeCom, DingTalk, Sms or Webhook"));
        }

        var urlText = string.IsNullOrWhiteSpace(body.Url) ? null : body.Url.Trim();
        var oldUrl = old is null ? null : directory.Open(old.SealedUrl);
        Uri? url = urlText is null
            ? (oldUrl is null ? null : new Uri(oldUrl))
            : urlText.Length <= ChannelRules.MaxUrl && Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && ChannelRule.IsWebAddress(parsed) ? parsed : null;
        var newSecret = string.IsNullOrEmpty(body.Secret) ? null : body.Secret;
        var keepSecret = newSecret is null && old?.SealedSecret is { } sealedSecret && directory.Open(sealedSecret) is not null;
        var problems = ChannelRules.Check(kind, url, urlText, newSecret is not null || keepSecret, body, directory.Options.PageChannelsMayBeLocal);
        if (newSecret is { Length: > 512 })
        {
            problems.Add(new("secret", $"secret: at most 512 characters"));
        }

        if (problems.Count > 0)
        {
            return new EditResult(EditOutcome.Refused, problems);
        }

        var channel = old ?? new StoredChannel { Name = name, Party = party, Address = string.Empty, SealedUrl = string.Empty, UpdatedBy = actor };
        var before = old is null ? null : Describe(old);
        channel.Party = party;
        channel.Kind = kind;
        channel.Address = ChannelRules.Shown(url!);
        channel.SealedUrl = urlText is null ? channel.SealedUrl : directory.Seal(url!.ToString());
        channel.SealedSecret = newSecret is null ? (keepSecret ? channel.SealedSecret : null) : directory.Seal(newSecret);
        channel.MinSeverity = body.MinSeverity ?? Severity.Warning;
        channel.AccessKeyId = kind == ChannelKind.Sms ? body.AccessKeyId?.Trim() : null;
        channel.SignName = kind == ChannelKind.Sms ? body.SignName?.Trim() : null;
        channel.TemplatesJson = ChannelDirectory.ToJson(kind == ChannelKind.Sms ? body.Templates ?? [] : []);
        channel.PhonesJson = ChannelDirectory.ToJson(kind == ChannelKind.Sms ? body.Phones ?? [] : []);
        channel.UpdatedAt = time.GetUtcNow();
        channel.UpdatedBy = actor;
        if (old is null)
        {
            db.StoredChannels.Add(channel);
        }

        var replaced = string.Join(", ", new[] { urlText is not null && old is not null ? "address replaced" : null, newSecret is not null && old is not null ? "secret replaced" : null }.OfType<string>());
        var detail = before is null ? Describe(channel) : $"{before} → {Describe(channel)}{(replaced.Length > 0 ? "; " + replaced : string.Empty)}";
        db.AuditLog.Add(AuditEntry.Of(channel.UpdatedAt, actor, "notificationChannel", name, old is null ? "created" : "changed", detail));
        await db.SaveChangesAsync(cancellationToken);
        return EditResult.Saved;
    }

    public async Task<EditResult> DeleteChannelAsync(string name, AccessScope scope, string actor, CancellationToken cancellationToken)
    {
        var old = await db.StoredChannels.FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (old is null || !MayManage(scope, old.Party))
        {
            return directory.IsConfigured(name) && directory.Options.AllChannels().Any(c => c.Name == name && MayManage(scope, c.Channel.Party))
                ? EditResult.Refuse(new SettingProblem("name", $"name: {name} is set in configuration and cannot be changed here; choose another name"))
                : EditResult.NotFound;
        }

        db.StoredChannels.Remove(old);
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "notificationChannel", name, "deleted", Describe(old)));
        await db.SaveChangesAsync(cancellationToken);
        return EditResult.Saved;
    }

    public async Task<EditResult> SaveRotaAsync(string party, RotaRequest body, AccessScope scope, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!Parties(scope).Any(p => p.Id == party))
        {
            return EditResult.NotFound;
        }

        if (directory.Options.Rota.ContainsKey(party))
        {
            return EditResult.Refuse(new SettingProblem("party", $"party: the rota of {party} is set in configuration and cannot be changed here"));
        }

        var problems = ChannelRules.Check(body, out var shifts);
        if (problems.Count > 0)
        {
            return new EditResult(EditOutcome.Refused, problems);
        }

        var old = await db.StoredRotas.FirstOrDefaultAsync(r => r.Party == party, cancellationToken);
        var before = old is null ? null : Describe(ChannelDirectory.RotaOf(old));
        var rota = old ?? new StoredRota { Party = party, UpdatedBy = actor };
        rota.ShiftsJson = ChannelDirectory.ShiftsJson(shifts);
        rota.Fallback = string.IsNullOrEmpty(body.Fallback) ? null : body.Fallback;
        rota.Supervisor = string.IsNullOrEmpty(body.Supervisor) ? null : body.Supervisor;
        rota.UpdatedAt = time.GetUtcNow();
        rota.UpdatedBy = actor;
        if (old is null)
        {
            db.StoredRotas.Add(rota);
        }

        var after = Describe(ChannelDirectory.RotaOf(rota));
        db.AuditLog.Add(AuditEntry.Of(rota.UpdatedAt, actor, "notificationRota", party, old is null ? "created" : "changed", before is null ? after : $"{before} → {after}"));
        await db.SaveChangesAsync(cancellationToken);
        return EditResult.Saved;
    }

    public async Task<EditResult> DeleteRotaAsync(string party, AccessScope scope, string actor, CancellationToken cancellationToken)
    {
        var old = await db.StoredRotas.FirstOrDefaultAsync(r => r.Party == party, cancellationToken);
        if (old is null || !Parties(scope).Any(p => p.Id == party))
        {
            return EditResult.NotFound;
        }

        db.StoredRotas.Remove(old);
        db.AuditLog.Add(AuditEntry.Of(time.GetUtcNow(), actor, "notificationRota", party, "deleted", Describe(ChannelDirectory.RotaOf(old))));
        await db.SaveChangesAsync(cancellationToken);
        return EditResult.Saved;
    }

    // What the audit keeps: everything but the sealed address and secret (only whether there is one).
    private static string Describe(StoredChannel c) =>
        $"{c.Kind} of {c.Party} at {c.Address}; secret {(c.SealedSecret is null ? "none" : "set")}; from {c.MinSeverity}"
        + (c.Kind == ChannelKind.Sms ? $"; key id {c.AccessKeyId}; sign {c.SignName}; templates {c.TemplatesJson}; phones {c.PhonesJson}" : string.Empty);

    private static string Describe(RotaOptions r) =>
        $"shifts [{string.Join("; ", r.Shifts.Select(s => $"{string.Join(',', s.Days)} {s.From:HH\\:mm}-{s.To:HH\\:mm} {s.Mobile}"))}]; fallback {r.Fallback ?? "—"}; supervisor {r.Supervisor ?? "—"}";
}
