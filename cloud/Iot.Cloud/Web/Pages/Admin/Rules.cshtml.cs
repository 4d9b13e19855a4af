using System.Globalization;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.Web.Admin;
using Iot.Protocol.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Admin;

/// <summary>
/// The street office's rules page: every rule in force in words, at each scope (the street, a block, a courtyard), and a
/// form to change a rule's values, durations, severity or whether it is on, at a scope — a new override when the scope
/// has none yet. Saving goes through <see cref="RuleEditor"/>, the API's own path (checks, version, audit, reload).
/// </summary>
[Authorize(Policy = Policies.StreetAdmin)]
public sealed class RulesModel(CloudDb db, RuleEditor editor, SiteRegistry registry, Lang lang, RuleWords words) : PageModel
{
    /// <summary>A field of the edit form: its name (the rule parameter), label, what shows when empty, and what it holds.</summary>
    public sealed record EditField(string Name, string Label, string? Placeholder, string Value);

    /// <summary>The rule being edited at <see cref="EditScope"/> (its current version there, or the wider one a new override starts from).</summary>
    public Rule? Editing { get; private set; }

    public string? EditScope { get; private set; }

    /// <summary>Whether saving makes a new override (the scope has no version of this rule yet).</summary>
    public bool IsNewOverride { get; private set; }

    public IReadOnlyList<EditField> Fields { get; private set; } = [];

    public Severity EditSeverity { get; private set; }

    public bool EditEnabled { get; private set; }

    /// <summary>Problems by field, in the page's words.</summary>
    public IReadOnlyDictionary<string, string> Problems { get; private set; } = new Dictionary<string, string>();

    public string? Done { get; private set; }

    /// <summary>The rules in force, by key; each key's versions from the widest scope to the narrowest.</summary>
    public IReadOnlyList<IGrouping<string, Rule>> Rules { get; private set; } = [];

    public IReadOnlyList<CommunityManifest> Communities { get; private set; } = [];

    public RuleWords Words => words;

    public async Task OnGetAsync(string? edit, string? scope, string? saved, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (saved is not null && Find(saved, scope ?? "site") is { } rule)
        {
            Done = lang.F("Saved: {0}, {1} (version {2}). It applies from the next check.", rule.Name, words.Scope(rule.Scope), rule.Version);
        }
        else if (edit is not null)
        {
            Open(edit, scope ?? "site", posted: null);
        }
    }

    public async Task<IActionResult> OnPostSaveAsync(string key, string scope, Severity severity, string? enabled, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!Open(key, scope, Request.Form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal)))
        {
            return NotFound();
        }

        EditSeverity = severity;
        EditEnabled = enabled == "true";
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var parameters = Editing!.Parameters;
        foreach (var field in Fields)
        {
            if (!TryNumber(field.Value, out var value))
            {
                problems[field.Name] = lang.F("{0}: write a number, e.g. 30 or 0.5.", field.Label);
                continue;
            }

            parameters = With(parameters, field.Name, value);
        }

        if (problems.Count == 0)
        {
            var body = new RuleRequest(Editing.Name, Editing.Kind, Editing.Target, Editing.Fault, severity, scope, EditEnabled, parameters);
            var (saved, refused) = await editor.SaveAsync(key, body, User.Identity!.Name!, ct);
            if (saved is not null)
            {
                return Redirect($"/admin/rules?saved={Uri.EscapeDataString(key)}&scope={Uri.EscapeDataString(scope)}#rule-{key}");
            }

            foreach (var problem in refused)
            {
                // "threshold": no values and no device setting to take them from; the first value field is where to write them.
                var field = Fields.FirstOrDefault(f => f.Name == problem.Field) ?? (problem.Field == "threshold" ? (Fields.Count > 0 ? Fields[0] : null) : null);
                var label = field?.Label ?? lang["Rule"];
                problems.TryAdd(field?.Name ?? problem.Field, lang.F("{0}: {1}", label, lang[problem.Why]));
            }
        }

        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>The scopes a rule can be set for: the street, each block, each courtyard, by name.</summary>
    public IEnumerable<(string Group, IEnumerable<(string Scope, string Name)> Scopes)> ScopeChoices()
    {
        yield return (lang["Whole street"], [("site", lang["Whole street"])]);
        foreach (var community in Communities)
        {
            yield return (community.Name, community.Blocks.Select(b => ($"block:{b.Id.Value}", words.Scope($"block:{b.Id.Value}")))
                .Concat(community.Courtyards.Select(c => ($"courtyard:{c.Id.Value}", words.Scope($"courtyard:{c.Id.Value}")))));
        }
    }

    // Fills the edit form for (key, scope): the version there, else the one a new override starts from.
    private bool Open(string key, string scope, IReadOnlyDictionary<string, string>? posted)
    {
        var own = Find(key, scope);
        var rule = own ?? Wider(key, scope);
        if (rule is null || !Known(scope))
        {
            return false;
        }

        Editing = rule;
        EditScope = scope;
        IsNewOverride = own is null;
        EditSeverity = rule.Severity;
        EditEnabled = rule.Enabled;
        Fields = FieldsOf(rule, posted);
        return true;
    }

    private List<EditField> FieldsOf(Rule rule, IReadOnlyDictionary<string, string>? posted)
    {
        var p = rule.Parameters;
        string Shown(string name, double? value) => posted is not null ? posted.GetValueOrDefault(name, string.Empty) : value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;
        EditField Field(string name, string label, double? value, double? fallback = null) =>
            new(name, label, fallback is { } f ? lang.F("default {0}", f.ToString("0.###", CultureInfo.InvariantCulture)) : null, Shown(name, value));
        switch (rule.Kind)
        {
            case RuleKind.Threshold or RuleKind.TimeOfDay or RuleKind.RateOfRise:
                var limits = RuleWords.LimitsOf(rule);
                var unit = words.Unit(p.Signal, rule.Kind);
                var (raise, clear) = limits.High ? ("above", "clearBelow") : ("below", "clearAbove");
                var device = limits.FromDevice;
                List<EditField> fields =
                [
                    Field(raise, lang.F(limits.High ? "Alert above ({0})" : "Alert below ({0})", unit), limits.High ? p.Above : p.Below, device ? limits.Raise : null),
                    Field(clear, lang.F(limits.High ? "Clear below ({0})" : "Clear above ({0})", unit), limits.High ? p.ClearBelow : p.ClearAbove, device ? limits.Clear : null),
                    Field("forSeconds", lang["Alert after it lasts (seconds)"], p.ForSeconds, p.ForSeconds is null ? limits.For : null),
                    Field("clearForSeconds", lang["Clear after it lasts (seconds)"], p.ClearForSeconds, p.ClearForSeconds is null ? limits.ClearFor : null),
                ];
                if (rule.Kind == RuleKind.RateOfRise)
                {
                    fields.Add(Field("windowMinutes", lang["Rise measured over (minutes)"], p.WindowMinutes));
                }

                return fields;
            case RuleKind.EdgeEvent:
                return [Field("autoClearMinutes", lang["Clear by itself after (minutes; empty: never)"], p.AutoClearMinutes)];
            case RuleKind.Offline:
                return [Field("graceSeconds", lang["Alert after offline for (seconds)"], p.GraceSeconds)];
            case RuleKind.Stale:
                return [Field("missedSamples", lang["Missed readings in a row"], p.MissedSamples), Field("graceSeconds", lang["But at least (seconds)"], p.GraceSeconds)];
            default:
                return p.Health switch
                {
                    "outboxDropping" => [Field("clearForSeconds", lang["Clear after no drops for (seconds)"], p.ClearForSeconds)],
                    "agentFlooding" => [],
                    "diskLow" => [Field("limit", lang["Alert under this much free storage (bytes)"], p.Limit)],
                    _ => [Field("limit", lang["Alert when the clock is unset this long after start (hours)"], p.Limit)],
                };
        }
    }

    private static RuleParameters With(RuleParameters p, string name, double? v) => name switch
    {
        "above" => p with { Above = v },
        "clearBelow" => p with { ClearBelow = v },
        "below" => p with { Below = v },
        "clearAbove" => p with { ClearAbove = v },
        "forSeconds" => p with { ForSeconds = v },
        "clearForSeconds" => p with { ClearForSeconds = v },
        "windowMinutes" => p with { WindowMinutes = v },
        "autoClearMinutes" => p with { AutoClearMinutes = v },
        "graceSeconds" => p with { GraceSeconds = v },
        "missedSamples" => p with { MissedSamples = v },
        "limit" => p with { Limit = v },
        _ => p,
    };

    // Empty is "not set"; digits typed with a Chinese keyboard (full width, 。 or ． as the point) count as digits.
    private static bool TryNumber(string text, out double? value)
    {
        var plain = new string([.. text.Trim().Select(c => c is >= '０' and <= '９' ? (char)(c - '０' + '0') : c is '．' or '。' ? '.' : c is '－' ? '-' : c)]);
        value = null;
        if (plain.Length == 0)
        {
            return true;
        }

        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            value = number;
            return true;
        }

        return false;
    }

    private bool Known(string scope) => scope.Split(':') switch
    {
        ["site"] => true,
        ["block", var id] => Communities.Any(c => c.Blocks.Any(b => b.Id.Value == id)),
        ["courtyard", var id] => Communities.Any(c => c.Courtyards.Any(y => y.Id.Value == id)),
        _ => false,
    };

    private Rule? Find(string key, string scope) => Rules.FirstOrDefault(g => g.Key == key)?.FirstOrDefault(r => r.Scope == scope);

    // The rule a scope follows today when it has none of its own: a courtyard its block's, else the street's.
    private Rule? Wider(string key, string scope)
    {
        var courtyard = scope.StartsWith("courtyard:", StringComparison.Ordinal)
            ? registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id.Value == scope["courtyard:".Length..]).Courtyard
            : null;
        return (courtyard is null ? null : Find(key, $"block:{courtyard.Block.Value}")) ?? Find(key, "site");
    }

    private static readonly string[] TargetOrder = ["streetlight", "gate", "drain", "charger", "device", "agent"];

    private async Task LoadAsync(CancellationToken ct)
    {
        // By what they watch, as a clerk looks for them: lamps, gates, drains, chargers, then the units themselves.
        Rules = [.. (await RuleCatalog.CurrentAsync(db, ct))
            .OrderBy(r => Array.IndexOf(TargetOrder, r.Target) is var i && i < 0 ? TargetOrder.Length : i).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ThenBy(r => RuleWords.Width(r.Scope)).ThenBy(r => r.Scope, StringComparer.Ordinal)
            .GroupBy(r => r.Key)];
        Communities = registry.Current?.Site.Communities ?? [];
    }
}
