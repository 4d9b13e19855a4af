namespace Iot.Cloud.Web;

/// <summary>The pages' settings (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// The address residents' phones reach the service at, for the QR codes posted in courtyards (e.g.
    /// <c>https://estate.example.cn</c>). Empty: the address the page was requested at.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }
}
