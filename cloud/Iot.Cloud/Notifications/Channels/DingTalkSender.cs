using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Notifications.Channels;

/// <summary>
/// 钉钉 custom group robot, with its signing scheme: <c>sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" +
/// secret)))</c> with the timestamp in milliseconds, both appended to the address as <c>timestamp</c> and <c>sign</c>.
/// Body <c>{"msgtype":"markdown","markdown":{"title","text"},"at":{"atMobiles":[...]}}</c>; a mention shows only when
/// the text also holds <c>@mobile</c>. Errcode 130101 (sent too fast, 20 a minute) holds the channel for a minute.
/// </summary>
public sealed class DingTalkSender : IChannelSender
{
    /// <summary>Kept well under what the robot takes, so a merged batch is never refused for length.</summary>
    public const int MaxTextBytes = 16000;

    public ChannelKind Kind => ChannelKind.DingTalk;

    public IEnumerable<IReadOnlyList<Notification>> Batches(IReadOnlyList<Notification> waiting) => RobotAnswer.Pack(waiting, MaxTextBytes);

    /// <summary>The <c>sign</c> parameter, before URL encoding.</summary>
    public static string Sign(long timestampMs, string secret)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{timestampMs}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));
    }

    public async Task<SendOutcome> SendAsync(HttpClient client, ChannelOptions channel, IReadOnlyList<Notification> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(batch);
        var timestamp = now.ToUnixTimeMilliseconds();
        var separator = channel.Url!.Query.Length > 1 ? '&' : '?';
        var url = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"{channel.Url}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(timestamp, channel.Secret!))}"));
        var mobiles = RobotAnswer.Mobiles(batch);
        var text = RobotAnswer.Join(batch, MaxTextBytes - 200) + string.Concat(mobiles.Select(m => $" @{m}"));
        var title = RobotAnswer.DigestHeading(batch) is { } digest ? FirstLine(digest) : batch.Count == 1 ? FirstLine(batch[0].Text) : $"{batch.Count} 条告警与工单消息";
        var body = new { msgtype = "markdown", markdown = new { title, text }, at = new { atMobiles = mobiles, isAtAll = false } };
        using var response = await client.PostAsJsonAsync(url, body, cancellationToken);
        var (code, message) = await RobotAnswer.ReadAsync(response, cancellationToken);
        var answer = $"HTTP {(int)response.StatusCode}, DingTalk errcode {code?.ToString(CultureInfo.InvariantCulture) ?? "?"}: {message}";
        return code switch
        {
            0 when response.IsSuccessStatusCode => SendOutcome.Ok(mobiles.Count > 0 ? $"{answer}; mentioned {string.Join(',', mobiles)}" : answer),
            130101 => new SendOutcome(false, $"{answer} (rate limited: 20 messages a minute per robot)", RetryAfter: TimeSpan.FromMinutes(1)),
            310000 => new SendOutcome(false, $"{answer} (signature or keyword check failed: check the robot's secret)", Permanent: true),
            300001 or 400102 => new SendOutcome(false, $"{answer} (the robot's token is invalid or the robot was stopped)", Permanent: true),
            _ => new SendOutcome(false, answer),
        };
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Replace("*", "", StringComparison.Ordinal).Trim();
}
