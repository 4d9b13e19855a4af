using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Iot.Cloud.Kernel;

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

    private static async Task<Results<Ok<RuleView>, ProblemHttpResult>> Save(string key, RuleRequest body, HttpContext http, RuleEditor editor, CancellationToken ct)
    {
        var (saved, problems) = await editor.SaveAsync(key, body, Actor.Of(http), ct);
        return saved is null ? Problems.Bad("rule", Problems.Text(string.Join("; ", problems.Select(p => p.Text)))) : TypedResults.Ok(RuleView.Of(saved));
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
