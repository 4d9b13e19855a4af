using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Cloud.Api;

/// <summary>Problem responses that name what is wrong.</summary>
public static class Problems
{
    public static ProblemHttpResult Bad(string field, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {field}");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Not possible now");

    /// <summary>Words for the problems the framework answers with a bare status code (routing, sign-in, roles).</summary>
    public static void Explain(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status400BadRequest => "the request could not be read: check its body and Content-Type",
            StatusCodes.Status401Unauthorized => "sign in first (POST /api/session)",
            StatusCodes.Status403Forbidden => "your role may not do this",
            StatusCodes.Status404NotFound => "there is nothing here, or nothing you may see",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed here",
            StatusCodes.Status413PayloadTooLarge => "the request is too large: a photo is at most 5 MiB, and other bodies are small",
            StatusCodes.Status415UnsupportedMediaType => "this media type is not accepted here: send JSON with Content-Type: application/json (photos: multipart/form-data)",
            StatusCodes.Status429TooManyRequests => "too many requests; try again later",
            _ => null,
        };
    }
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
