using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Rules;

/// <summary>
/// The one way a person changes a rule, for the API and the street office's rules page alike: checks (the validator,
/// the name, the scope's block or courtyard), the new version with its audit entry, and the runner told to reload.
/// </summary>
public sealed class RuleEditor(CloudDb db, RuleRunner runner, TimeProvider time)
{
    /// <summary>Saves <paramref name="body"/> as the next version of (key, scope), or says every reason it cannot.</summary>
    public async Task<(Rule? Saved, IReadOnlyList<RuleProblem> Problems)> SaveAsync(string key, RuleRequest body, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parameters = body.Parameters ?? new RuleParameters();
        var scope = body.Scope ?? "site";
        var problems = RuleValidator.Check(key, scope, body.Target ?? string.Empty, body.Fault ?? string.Empty, body.Kind, parameters).ToList();
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            problems.Add(new("name", "is required", "name is required"));
        }

        if (scope.Split(':') is [var kind, var id] && !await ScopeExistsAsync(db, kind, id, cancellationToken))
        {
            problems.Add(new("scope", $"there is no {kind} '{id}'", $"scope: there is no {kind} '{id}'"));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var saved = await RuleCatalog.SaveVersionAsync(db, new Rule
        {
            Key = key, Scope = scope, Name = body.Name!, Kind = body.Kind, Target = body.Target!, Fault = body.Fault!, Severity = body.Severity,
            ParametersJson = parameters.ToJson(), Enabled = body.Enabled ?? true, CreatedBy = string.Empty,
        }, actor, time.GetUtcNow(), cancellationToken);
        runner.RulesChanged();
        return (saved, []);
    }

    private static async Task<bool> ScopeExistsAsync(CloudDb db, string kind, string id, CancellationToken cancellationToken) =>
        kind == "block"
            ? await db.Blocks.AnyAsync(b => b.Id == id, cancellationToken)
            : CourtyardId.TryParse(id, out var courtyard, out _) && await db.Courtyards.AnyAsync(c => c.Id == courtyard, cancellationToken);
}
