using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Reports;

/// <summary>
/// A small proof of work asked of a client beyond its first few reports an hour
/// (<see cref="ReportLimitOptions.FreeReportsPerClient"/>). The server hands out a challenge sealed with its
/// data-protection key and bound to the client's key and the time; the report page's script finds, in the background
/// while the form is filled in, a nonce whose SHA-256 with the challenge starts with
/// <see cref="ReportLimitOptions.ChallengeBits"/> zero bits (a second or less on a phone), and sends it with the report.
/// A resident never sees it; a script that posts reports by the hundred has to do the work for each, from one address.
/// </summary>
public sealed class ReportChallenge(IDataProtectionProvider protection, TimeProvider time, IOptions<ReportLimitOptions> options)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Iot.Cloud.Reports.Challenge.v1");
    private readonly ReportLimitOptions _options = options.Value;
    private readonly Lock _gate = new();

    // Solved challenges until they expire, so one solution buys one report (bounded: a used one past its life is dropped).
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>Zero bits the hash must start with.</summary>
    public int Bits => _options.ChallengeBits;

    /// <summary>A new challenge for <paramref name="client"/>.</summary>
    public string Issue(string client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var salt = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var issued = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect($"{client}\n{issued}\n{salt}");
    }

    /// <summary>
    /// Whether <paramref name="solution"/> solves <paramref name="challenge"/>, issued to <paramref name="client"/> less
    /// than <see cref="ReportLimitOptions.ChallengeLifetime"/> ago and not used before. A use counts once.
    /// </summary>
    public bool TryRedeem(string client, string? challenge, string? solution)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (challenge is not { Length: > 0 and <= 1024 } || solution is not { Length: > 0 and <= 32 } || !Opens(challenge, out var owner, out var issued))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var expires = issued + _options.ChallengeLifetime;
        if (owner != client || now > expires || now < issued - TimeSpan.FromMinutes(1) || !Solves(challenge, solution, Bits))
        {
            return false;
        }

        lock (_gate)
        {
            if (_used.Count > 100_000)
            {
                foreach (var old in _used.Where(u => u.Value < now).Select(u => u.Key).ToList())
                {
                    _used.Remove(old);
                }
            }

            return _used.TryAdd(challenge, expires);
        }
    }

    /// <summary>Whether SHA-256 of <c>challenge:solution</c> (UTF-8) starts with <paramref name="bits"/> zero bits; what the page's script searches for.</summary>
    public static bool Solves(string challenge, string solution, int bits)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(solution);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{challenge}:{solution}"), hash);
        for (var i = 0; i < bits; i++)
        {
            if ((hash[i / 8] & (0x80 >> (i % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private bool Opens(string challenge, out string client, out DateTimeOffset issued)
    {
        (client, issued) = (string.Empty, default);
        try
        {
            var parts = _protector.Unprotect(challenge).Split('\n');
            if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return false;
            }

            (client, issued) = (parts[0], DateTimeOffset.FromUnixTimeSeconds(seconds));
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
    }
}
