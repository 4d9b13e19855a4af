using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Rules;

/// <summary>Rules as data: list the versions in force, read a rule's history, save a new version or a block/courtyard override.</summary>
public static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/rules").WithTags("Rules").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.StreetAdmin);
        api.MapGet("/", async (CloudDb db, CancellationToken ct) => TypedResults.Ok((await RuleCatalog.CurrentAsync(db, ct)).Select(RuleView.Of).ToList()));
        api.MapGet("/{key}/versions", async (string key, CloudDb db, CancellationToken ct) =>
            TypedResults.Ok((await db.Rules.AsNoTracking().Where(r => r.Key == key).OrderBy(r => r.Scope).ThenBy(r => r.Version).ToListAsync(ct)).Select(RuleView.Of).ToList()));
        api.MapPut("/{key}", Save);
        return app;
    }

    private static async Task<Results<Ok<RuleView>, ProblemHttpResult>> Save(string key, RuleRequest body, HttpContext http, CloudDb db, RuleRunner runner, TimeProvider time, CancellationToken ct)
    {
        var parameters = body.Parameters ?? new RuleParameters();
        var scope = body.Scope ?? "site";
        var problems = RuleValidator.Problems(key, scope, body.Target ?? string.Empty, body.Fault ?? string.Empty, body.Kind, parameters);
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            problems = [.. problems, "name is required"];
        }

        if (scope.Split(':') is [var kind, var id] && !(kind == "block" ? await db.Blocks.AnyAsync(b => b.Id == id, ct) : await db.Courtyards.AnyAsync(c => c.Id == id, ct)))
        {
            problems = [.. problems, $"scope: there is no {kind} '{id}'"];
        }

        if (problems.Count > 0)
        {
            return Problems.Bad("rule", Problems.Text(string.Join("; ", problems)));
        }

        var saved = await RuleCatalog.SaveVersionAsync(db, new Rule
        {
            Key = key, Scope = scope, Name = body.Name!, Kind = body.Kind, Target = body.Target!, Fault = body.Fault!, Severity = body.Severity,
            ParametersJson = parameters.ToJson(), Enabled = body.Enabled ?? true, CreatedBy = string.Empty,
        }, Actor.Of(http), time.GetUtcNow(), ct);
        runner.RulesChanged();
        return TypedResults.Ok(RuleView.Of(saved));
    }
}

public sealed record RuleRequest(string? Name, RuleKind Kind, string? Target, string? Fault, Severity Severity, string? Scope = null, bool? Enabled = null, RuleParameters? Parameters = null);

public sealed record RuleView(string Key, int Version, string Scope, string Name, RuleKind Kind, string Target, string Fault, Severity Severity, bool Enabled, RuleParameters Parameters, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? SupersededAt)
{
    public static RuleView Of(Rule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Key, r.Version, r.Scope, r.Name, r.Kind, r.Target, r.Fault, r.Severity, r.Enabled, r.Parameters, r.CreatedAt, r.CreatedBy, r.SupersededAt);
    }
}
