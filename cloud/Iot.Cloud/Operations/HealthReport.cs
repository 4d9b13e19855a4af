using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.Operations;

/// <summary>
/// Writes /readyz as JSON. The street office and the server itself (a loopback request: the container's health
/// check, an operator's curl) get each check with its description, so they see which dependency is down; anyone
/// else only the overall status, since a description may carry an error's text (host names, connection details).
/// </summary>
internal static class HealthReport
{
    public static Task WriteAsync(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        object body = MaySeeDetails(context)
            ? new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            }
            : new { status = report.Status.ToString() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    private static bool MaySeeDetails(HttpContext context) =>
        context.User.IsInRole(nameof(StaffRole.StreetAdmin))
        || (context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address));
}
