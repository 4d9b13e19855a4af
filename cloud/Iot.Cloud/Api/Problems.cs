using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Cloud.Api;

/// <summary>Problem responses that name what is wrong.</summary>
public static class Problems
{
    public static ProblemHttpResult Bad(string field, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: $"Invalid {field}");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Not possible now");
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
