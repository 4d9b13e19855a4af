using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Notifications.Settings;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Pages.Admin;

/// <summary>
/// The notification settings of the street office (every party) or of a company's supervisor (its own): the channels —
/// those set in configuration shown, those set here edited — each party's rota, a "send a test message" button, and the
/// recent messages with the platforms' answers. Saving goes through <see cref="ChannelEditor"/>, the API's own path.
/// Secrets are write-only: the form never holds them, and an empty field keeps the stored one.
/// </summary>
[Authorize(Policy = Policies.Notify)]
public sealed class NotificationsModel(CloudDb db, AccessScope scope, ChannelDirectory directory, ChannelEditor editor, ChangeNotifier notifier, WebhookDispatcher dispatcher, Lang lang) : PageModel
{
    /// <summary>What a channel form holds: the stored channel, or what was sent after a refusal (never a secret).</summary>
    public sealed record ChannelForm(string Name, string Party, ChannelKind Kind, string Address, bool HasSecret, Severity MinSeverity, string AccessKeyId, string SignName,
        string TemplateAlert, string TemplateWorkOrder, string TemplateRecovered, string Phones);

    /// <summary>What a rota form holds.</summary>
    public sealed record RotaForm(string Party, string Shifts, string Fallback, string Supervisor);

    public IReadOnlyList<ChannelView> Channels { get; private set; } = [];

    /// <summary>The page's channels' forms, by name.</summary>
    public IReadOnlyDictionary<string, ChannelForm> Forms { get; private set; } = new Dictionary<string, ChannelForm>();

    public ChannelForm NewChannel { get; private set; } = Empty(string.Empty);

    public IReadOnlyList<RotaView> Rotas { get; private set; } = [];

    public IReadOnlyDictionary<string, RotaForm> RotaForms { get; private set; } = new Dictionary<string, RotaForm>();

    public RotaForm NewRota { get; private set; } = new(string.Empty, string.Empty, string.Empty, string.Empty);

    public IReadOnlyList<(string Id, string Name)> Parties { get; private set; } = [];

    public IReadOnlyList<DeliveryView> Recent { get; private set; } = [];

    public string? Done { get; private set; }

    /// <summary>Which form was refused (<c>channel:NAME</c>, <c>channel:</c> for a new one, <c>rota:PARTY</c>), and why, by field.</summary>
    public string? RefusedForm { get; private set; }

    public IReadOnlyList<SettingProblem> Problems { get; private set; } = [];

    public string? ProblemOf(string form, string field) =>
        RefusedForm == form ? string.Join(" ", Problems.Where(p => p.Field == field).Select(p => lang.Say(p.Words))) is { Length: > 0 } words ? words : null : null;

    public string PartyName(string id) => Parties.FirstOrDefault(p => p.Id == id).Name ?? id;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostTestAsync(string name, CancellationToken ct)
    {
        var channel = await directory.FindAsync(db, name, ct);
        if (channel is null || !ChannelEditor.MayManage(scope, channel.Channel.Party) || await notifier.QueueTestAsync(db, name, ct) is null)
        {
            return NotFound();
        }

        await db.SaveChangesAsync(ct);
        dispatcher.Wake();
        Done = lang.F("Test message queued on {0}; its answer shows in the log below.", name);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveChannelAsync(string? name, string? party, ChannelKind kind, string? url, string? secret, Severity minSeverity, string? accessKeyId, string? signName,
        string? templateAlert, string? templateWorkOrder, string? templateRecovered, string? phones, bool isNew, CancellationToken ct)
    {
        name = name?.Trim() ?? string.Empty;
        var templates = new Dictionary<string, string?> { ["alert"] = templateAlert, ["workOrder"] = templateWorkOrder, ["recovered"] = templateRecovered }
            .Where(t => !string.IsNullOrWhiteSpace(t.Value)).ToDictionary(t => t.Key, t => t.Value!.Trim());
        var phoneList = (phones ?? string.Empty).Split([',', '，', '、', ' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var body = new ChannelRequest(party, kind, url, secret, minSeverity, accessKeyId, signName, templates, phoneList);

        // A new channel may not quietly overwrite a stored one of the same name.
        var result = isNew && await db.StoredChannels.AnyAsync(c => c.Name == name, ct)
            ? EditResult.Refuse(new SettingProblem("name", $"name: {name} is taken; choose another name"))
            : await editor.SaveChannelAsync(name, body, scope, User.Identity!.Name!, ct);
        if (result.Outcome == EditOutcome.NotFound)
        {
            return NotFound();
        }

        var form = new ChannelForm(name, party ?? string.Empty, kind, url is { Length: > 0 } u ? ChannelRules.Shown(Uri.TryCreate(u, UriKind.Absolute, out var parsed) ? parsed : new Uri("about:blank")) : string.Empty,
            false, minSeverity, accessKeyId ?? string.Empty, signName ?? string.Empty, templateAlert ?? string.Empty, templateWorkOrder ?? string.Empty, templateRecovered ?? string.Empty, phones ?? string.Empty);
        return await AnswerAsync(result, isNew ? "channel:" : $"channel:{name}", lang.F("Channel {0} saved. The next message uses it.", name), ct,
            () => { if (isNew) { NewChannel = form; } else { Forms = new Dictionary<string, ChannelForm>(Forms) { [name] = form with { HasSecret = Forms.GetValueOrDefault(name)?.HasSecret ?? false } }; } });
    }

    public async Task<IActionResult> OnPostDeleteChannelAsync(string name, CancellationToken ct)
    {
        var result = await editor.DeleteChannelAsync(name, scope, User.Identity!.Name!, ct);
        return result.Outcome == EditOutcome.NotFound ? NotFound() : await AnswerAsync(result, $"channel:{name}", lang.F("Channel {0} removed.", name), ct);
    }

    public async Task<IActionResult> OnPostSaveRotaAsync(string party, string? shifts, string? fallback, string? supervisor, CancellationToken ct)
    {
        var (parsed, bad) = ShiftText.Parse(shifts);
        var lines = string.Join(", ", bad);
        var result = bad.Count > 0
            ? EditResult.Refuse(new SettingProblem("shifts", $"shifts: line {lines} is not DAYS FROM-TO MOBILE (e.g. 1-5 08:00-18:00 13800000001)"))
            : await editor.SaveRotaAsync(party, new RotaRequest([.. parsed.Select(ShiftRequest.Of)], fallback?.Trim(), supervisor?.Trim()), scope, User.Identity!.Name!, ct);
        if (result.Outcome == EditOutcome.NotFound)
        {
            return NotFound();
        }

        var isNew = !RotaForms.ContainsKey(party);
        var form = new RotaForm(party, shifts ?? string.Empty, fallback ?? string.Empty, supervisor ?? string.Empty);
        return await AnswerAsync(result, $"rota:{party}", lang.F("Rota of {0} saved.", party), ct,
            () => { if (RotaForms.ContainsKey(party)) { RotaForms = new Dictionary<string, RotaForm>(RotaForms) { [party] = form }; } else { NewRota = form; RefusedForm = "rota:"; } });
    }

    public async Task<IActionResult> OnPostDeleteRotaAsync(string party, CancellationToken ct)
    {
        var result = await editor.DeleteRotaAsync(party, scope, User.Identity!.Name!, ct);
        return result.Outcome == EditOutcome.NotFound ? NotFound() : await AnswerAsync(result, $"rota:{party}", lang.F("Rota of {0} removed.", party), ct);
    }

    private static ChannelForm Empty(string party) => new(string.Empty, party, ChannelKind.WeCom, string.Empty, false, Severity.Warning, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);

    // The page again: after a refusal with what was sent (never a secret) and each problem by its field, status 400.
    private async Task<PageResult> AnswerAsync(EditResult result, string form, string done, CancellationToken ct, Action? keep = null)
    {
        await LoadAsync(ct);
        if (result.Outcome == EditOutcome.Saved)
        {
            Done = done;
            return Page();
        }

        RefusedForm = form;
        Problems = result.Problems;
        keep?.Invoke();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Parties = editor.Parties(scope);
        Channels = await NotificationSettingsApi.ChannelsAsync(db, directory, scope, ct);
        var stored = await db.StoredChannels.AsNoTracking().ToListAsync(ct);
        Forms = stored.Where(c => ChannelEditor.MayManage(scope, c.Party)).ToDictionary(c => c.Name, c =>
        {
            var t = ChannelDirectory.Templates(c);
            return new ChannelForm(c.Name, c.Party, c.Kind, c.Address, c.SealedSecret is not null, c.MinSeverity, c.AccessKeyId ?? string.Empty, c.SignName ?? string.Empty,
                t.GetValueOrDefault("alert", string.Empty), t.GetValueOrDefault("workOrder", string.Empty), t.GetValueOrDefault("recovered", string.Empty), string.Join(", ", ChannelDirectory.Phones(c)));
        });
        NewChannel = Empty(Parties.Count == 1 ? Parties[0].Id : string.Empty);
        Rotas = await NotificationSettingsApi.RotasAsync(db, directory, editor, scope, ct);
        RotaForms = Rotas.Where(r => !r.Configured).ToDictionary(r => r.Party, r => new RotaForm(r.Party, ShiftText.Format(r.Shifts), r.Fallback ?? string.Empty, r.Supervisor ?? string.Empty));
        NewRota = new RotaForm(Parties.Count == 1 ? Parties[0].Id : string.Empty, string.Empty, string.Empty, string.Empty);
        var names = Channels.Select(c => c.Name).ToList();
        Recent = (await db.Notifications.AsNoTracking().Where(n => names.Contains(n.Channel)).OrderByDescending(n => n.Id).Take(50).ToListAsync(ct))
            .Select(DeliveryView.Of).ToList();
    }
}
