using System.Net;
using System.Text.RegularExpressions;

namespace Iot.Cloud.Tests.Support;

/// <summary>Posting a page's form as a browser does: with the antiforgery token the page carried.</summary>
public static partial class PageForm
{
    /// <summary>The antiforgery token in <paramref name="html"/>.</summary>
    public static string Token(string html) => TokenInput().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

    /// <summary><paramref name="fields"/> with <paramref name="token"/>, form-encoded.</summary>
    public static FormUrlEncodedContent With(string token, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields["__RequestVerificationToken"] = token;
        return new FormUrlEncodedContent(fields);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
