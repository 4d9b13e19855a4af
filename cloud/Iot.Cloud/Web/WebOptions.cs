using Microsoft.Extensions.Options;

namespace Iot.Cloud.Web;

/// <summary>The pages' settings (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// The address residents' phones reach the service at, for the QR codes posted in courtyards (e.g.
    /// <c>https://estate.example.cn</c>). Empty: the address the page was requested at, with a warning on the QR sheet
    /// when that address is one a phone on the street cannot reach (loopback, localhost, a private network).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The setting as a base address ending in '/', or null when it is not set (checked at start).</summary>
    public Uri? PublicBase => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : WebOptionsValidator.Normalize(new Uri(PublicBaseUrl.Trim(), UriKind.Absolute));
}

/// <summary>Checks <see cref="WebOptions"/> at start; each problem names its setting.</summary>
public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return ValidateOptionsResult.Success;
        }

        var value = options.PublicBaseUrl.Trim();
        var why = !Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host)
            ? "must be an absolute http:// or https:// address, e.g. https://estate.example.cn"
            : url.Query.Length > 0 || url.Fragment.Length > 0
                ? "must not have a query (?...) or fragment (#...): the QR codes add /r/{courtyard} to it"
                : url.UserInfo.Length > 0 ? "must not carry a user name or password" : null;
        return why is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"Web:PublicBaseUrl '{value}' {why}");
    }

    /// <summary>The address with a path ending in '/', so <c>r/{courtyard}</c> is added to it rather than replacing its last segment.</summary>
    public static Uri Normalize(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
    }
}
