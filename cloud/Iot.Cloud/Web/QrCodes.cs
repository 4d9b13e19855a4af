using Iot.Cloud.Sites;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Iot.Cloud.Web;

/// <summary>
/// <c>GET /qr/{courtyard}.svg</c>: the QR code printed and posted in a courtyard; it links to that courtyard's report
/// page. Drawn here (QRCoder, SVG), so printing needs no outside service.
/// </summary>
public static class QrCodes
{
    public static IEndpointRouteBuilder MapQrCodes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/qr/{courtyard}.svg", (string courtyard, HttpContext http, SiteRegistry registry, IOptions<WebOptions> options) =>
        {
            if (registry.Current?.Site.Courtyards.Any(c => c.Courtyard.Id.Value == courtyard) != true)
            {
                return Results.NotFound();
            }

            // Private: the code carries an address that may come from the request (no Web:PublicBaseUrl), and a shared
            // cache must never hand one request's address to the next.
            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.Text(Svg(ReportUrl(http.Request, options.Value, courtyard)), "image/svg+xml; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>The report page of a courtyard, as a phone should open it.</summary>
    public static Uri ReportUrl(HttpRequest request, WebOptions options, string courtyard) => QrAddress.Of(request, options).ReportUrl(courtyard);

    /// <summary>An SVG QR code (error correction M, so a scuffed print still scans).</summary>
    public static string Svg(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url.AbsoluteUri, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(8);
    }
}
