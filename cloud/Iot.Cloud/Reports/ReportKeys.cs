using System.Security.Cryptography;

namespace Iot.Cloud.Reports;

/// <summary>
/// The key a report form carries so that sending it twice makes one report: made when the form is shown, kept through
/// refusals and through the phone's offline queue, and stored on the order it made (<c>ReportKey</c>, unique).
/// </summary>
public static class ReportKeys
{
    /// <summary>A new key: 128 random bits as 22 URL-safe characters.</summary>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>16 to 64 letters, digits, <c>-</c> and <c>_</c>: what this service makes, with room for other clients' own.</summary>
    public static bool IsValid(string? key) =>
        key is { Length: >= 16 and <= 64 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
