using System.Globalization;
using Iot.Cloud.Alerts;
using Iot.Cloud.Api;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Web.Localization;

/// <summary>
/// A refusal in the language of the person who meets it. The API speaks English; the pages' scripts ask for the page's
/// language (<c>Accept-Language</c>, js/api.js), and a request that asks for Chinese gets the problem's detail in
/// Chinese from its template (<see cref="Problems.Words"/>) and <see cref="Texts"/>, with statuses in words. A detail
/// without a translation (the framework's own, a list of rule problems) becomes a plain sentence for its status code,
/// the English kept beside it as <c>english</c>.
/// </summary>
public static class ProblemLanguage
{
    public static void Translate(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var words = problem.Extensions.Remove(Problems.Words, out var template) ? template as FormattableString : null;
        if (!WantsChinese(context.HttpContext.Request))
        {
            return;
        }

        context.HttpContext.Response.Headers.ContentLanguage = Lang.Chinese;
        if (words is not null && Texts.Chinese.TryGetValue(words.Format, out var chinese))
        {
            problem.Detail = string.Format(CultureInfo.InvariantCulture, chinese, [.. words.GetArguments().Select(Word)]);
            return;
        }

        problem.Extensions["english"] = problem.Detail;
        problem.Detail = Texts.Chinese[Generic(problem.Status)];
    }

    /// <summary>The sentence for a status code when a detail has no translation.</summary>
    public static string Generic(int? status) => status switch
    {
        StatusCodes.Status401Unauthorized => "You are signed out. Sign in again.",
        StatusCodes.Status403Forbidden => "Your role may not do this.",
        StatusCodes.Status404NotFound => "It is not there any more, or not yours to see. Reload the page.",
        StatusCodes.Status409Conflict => "Someone else changed it meanwhile: reload the page.",
        StatusCodes.Status413PayloadTooLarge => "It is too large to send.",
        StatusCodes.Status429TooManyRequests => "Too many at once: try again in a moment.",
        >= 500 => "The service could not do it just now. Try again in a moment.",
        _ => "Something in what was sent is not right. Check it and try again.",
    };

    // The page's language comes first in what its script asks for; a client that asks for nothing gets English.
    private static bool WantsChinese(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault() is { } first
        && first.Value.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    // Statuses in words; a list of them word by word; anything else as it is (names, numbers, what people typed).
    private static object? Word(object? argument) => argument switch
    {
        AlertStatus status => Chinese(Lang.StatusName(status)),
        WorkOrderStatus status => Chinese(Lang.StatusName(status)),
        string text when text.Contains(", ", StringComparison.Ordinal) => string.Join("、", text.Split(", ").Select(t => Word(t))),
        string text when WireNames.TryParse<WorkOrderStatus>(text, out var status) => Chinese(Lang.StatusName(status)),
        string text when WireNames.TryParse<AlertStatus>(text, out var status) => Chinese(Lang.StatusName(status)),
        "streetlight" or "gate" or "drain" or "charger" => Chinese(Lang.KindName((string)argument)),
        _ => argument,
    };

    private static string Chinese(string english) => Texts.Chinese.GetValueOrDefault(english, english);
}
