using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Supervision;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>The supervision record as a CSV file in the reader's language (the page's, from the language cookie).</summary>
public static class SupervisionCsvEndpoint
{
    public static IEndpointRouteBuilder MapSupervisionCsv(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/supervision/csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (CloudDb db, AccessScope scope, TimeProvider time, Patrols.PatrolRecord patrols, Lang lang, DateTimeOffset? from, DateTimeOffset? to, string? groupBy, string? party, CancellationToken ct) =>
        {
            if (await SupervisionApi.LoadAsync(db, scope, time, patrols, from, to, groupBy, party, ct) is not { } result)
            {
                return Problems.Bad("from/to/groupBy", Problems.Text(SupervisionApi.Rules));
            }

            var file = $"supervision-{result.Group.ToString().ToLowerInvariant()}-{result.From:yyyyMMdd}-{result.To:yyyyMMdd}.csv";
            var name = result.Group == SupervisionGroup.Kind ? lang.Kind : result.Name;
            return TypedResults.File(SupervisionCsv.Write(result.Rows, result.Group, name, english => lang[english]), "text/csv; charset=utf-8", file);
        }).WithTags("Supervision").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        return app;
    }
}
