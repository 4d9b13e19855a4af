using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Iot.Cloud.Api;

/// <summary>
/// Problem responses that name what is wrong. The detail is written in English, the API's own voice; the template it
/// was made from travels with it (<see cref="Words"/>) so that the pages' requests, which ask for their language, get
/// it in that language (Web/Localization/ProblemLanguage.cs). The template is never sent.
/// </summary>
public static class Problems
{
    /// <summary>The extension that carries the detail's template until the response is written.</summary>
    public const string Words = "iot.words";

    public static ProblemHttpResult Bad(string field, FormattableString detail) =>
        Of(StatusCodes.Status400BadRequest, $"Invalid {field}", detail);

    public static ProblemHttpResult Conflict(FormattableString detail) =>
        Of(StatusCodes.Status409Conflict, "Not possible now", detail);

    /// <summary>A role that may not do this to this thing, with why (the record's integrity rules).</summary>
    public static ProblemHttpResult Forbidden(FormattableString detail) =>
        Of(StatusCodes.Status403Forbidden, "Not yours to do", detail);

    public static ProblemHttpResult Of(int status, string title, FormattableString detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var problem = new ProblemDetails { Status = status, Title = title, Detail = FormattableString.Invariant(detail) };
        problem.Extensions[Words] = detail;
        return TypedResults.Problem(problem);
    }

    /// <summary>Words for the problems the framework answers with a bare status code (routing, sign-in, roles).</summary>
    public static void Explain(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Detail is not null)
        {
            return;
        }

        FormattableString? detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status400BadRequest => $"the request could not be read: check its body and Content-Type",
            StatusCodes.Status401Unauthorized => $"sign in first (POST /api/session)",
            StatusCodes.Status403Forbidden => $"your role may not do this",
            StatusCodes.Status404NotFound => $"there is nothing here, or nothing you may see",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed here",
            StatusCodes.Status413PayloadTooLarge => $"the request is too large: a photo is at most 25 MB, and other bodies are small",
            StatusCodes.Status415UnsupportedMediaType => $"this media type is not accepted here: send JSON with Content-Type: application/json (photos: multipart/form-data)",
            StatusCodes.Status429TooManyRequests => $"too many requests; try again later",
            _ => null,
        };
        if (detail is not null)
        {
            context.ProblemDetails.Detail = FormattableString.Invariant(detail);
            context.ProblemDetails.Extensions[Words] = detail;
        }
    }

    /// <summary>A template without holes, for text made elsewhere (a constant, a list of rule problems).</summary>
    public static FormattableString Text(string text) => FormattableStringFactory.Create(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
}

/// <summary>Who is making a request: the signed-in account, for the audit log.</summary>
public static class Actor
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";
    }
}
