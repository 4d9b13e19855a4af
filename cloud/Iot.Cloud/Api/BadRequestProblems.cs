using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Iot.Cloud.Api;

/// <summary>
/// A request the framework could not read (JSON that does not parse or has a value of the wrong type, a missing
/// body, field or form file, a query value that is not a number, a wrong media type, a body too large) is answered
/// with its 4xx and a problem that names the field or parameter and what is wrong, in words: never a 500, never the
/// text of an exception (which would name .NET types).
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (title, detail) = Describe(bad);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = title, Detail = detail },
        });
    }

    /// <summary>A title and a detail for what could not be read.</summary>
    public static (string Title, string Detail) Describe(BadHttpRequestException bad)
    {
        ArgumentNullException.ThrowIfNull(bad);
        var parameter = ParameterName().Match(bad.Message) is { Success: true } p ? p.Groups["name"].Value : null;
        if (bad.InnerException is JsonException json)
        {
            return Json(json);
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ("Unsupported media type", $"{Clean(bad.Message)} Send JSON with Content-Type: application/json (photos: multipart/form-data).");
        }

        if (bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) && parameter is not null)
        {
            var value = BoundValue().Match(bad.Message) is { Success: true } v ? v.Groups["value"].Value : string.Empty;
            return ($"Invalid {parameter}", $"{parameter}: '{Shorten(value)}' is not a valid value of its type");
        }

        if (bad.Message.Contains("was not provided", StringComparison.Ordinal) || bad.Message.Contains("but no body was provided", StringComparison.Ordinal))
        {
            return parameter is null or "body"
                ? ("Missing body", "this request needs a body")
                : ($"Missing {parameter}", $"{parameter} is required");
        }

        if (bad.Message.StartsWith("Failed to read the request form", StringComparison.Ordinal))
        {
            return ("Unreadable form", $"the form could not be read: {Clean(bad.InnerException?.Message ?? bad.Message)}");
        }

        return ("Bad request", Clean(bad.Message));
    }

    private static (string Title, string Detail) Json(JsonException json)
    {
        var field = (json.Path ?? "$").TrimStart('$').TrimStart('.');
        var at = field.Length == 0 ? "the body" : field;
        var message = json.Message;
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = MissingNames().Match(message) is { Success: true } m ? m.Groups["names"].Value : "some";
            return ("Missing fields", $"required fields are missing: {names}");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal) || message.Contains("doesn't allow null", StringComparison.Ordinal))
        {
            return (field.Length == 0 ? "Invalid body" : $"Invalid {field}", field.Length == 0
                ? "the body is not a JSON object of the expected shape"
                : $"{field}: a value of the wrong type, or out of range");
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return ("Invalid JSON", $"{at}: the JSON is nested too deeply (at most 64 levels)");
        }

        var reason = Clean(message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]).TrimEnd('.');
        var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
        return ("Invalid JSON", $"{(field.Length == 0 ? string.Empty : field + ": ")}the body is not valid JSON: {reason}{where}");
    }

    /// <summary>Removes .NET type names and the word "exception" from a framework message.</summary>
    private static string Clean(string message) => TypeName().Replace(message, "a value").Replace("Exception", "error", StringComparison.Ordinal);

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;

    [GeneratedRegex("parameter \"(?<type>[^\"]*) (?<name>[^\" ]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    [GeneratedRegex("""from "(?<value>.*)"\.$""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex BoundValue();

    [GeneratedRegex("""including: (?<names>.*?)\.?$""", RegexOptions.CultureInvariant)]
    private static partial Regex MissingNames();

    [GeneratedRegex("""\b(System|Microsoft|Iot)\.[\w.`\[\],]+""", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
