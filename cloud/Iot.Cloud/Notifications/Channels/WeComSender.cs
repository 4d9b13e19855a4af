using System.Net.Http.Json;

namespace Iot.Cloud.Notifications.Channels;

/// <summary>
/// 企业微信 group robot: POST <c>{"msgtype":"markdown","markdown":{"content":...}}</c> to the robot's address (its key is
/// in the query); content at most 4096 UTF-8 bytes. The markdown type cannot mention by mobile, so a critical message
/// is followed by a short <c>text</c> message with <c>mentioned_mobile_list</c>. A robot takes about 20 messages a minute:
/// waiting messages are merged into one, and errcode 45009 (rate limited) holds the channel for a minute.
/// </summary>
public sealed class WeComSender : IChannelSender
{
    public const int MaxContentBytes = 4096;

    public ChannelKind Kind => ChannelKind.WeCom;

    public IEnumerable<IReadOnlyList<Notification>> Batches(IReadOnlyList<Notification> waiting) => RobotAnswer.Pack(waiting, MaxContentBytes);

    public async Task<SendOutcome> SendAsync(HttpClient client, ChannelOptions channel, IReadOnlyList<Notification> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(batch);
        var markdown = new { msgtype = "markdown", markdown = new { content = RobotAnswer.Join(batch, MaxContentBytes) } };
        var outcome = await PostAsync(client, channel.Url!, markdown, cancellationToken);
        var mobiles = RobotAnswer.Mobiles(batch);
        if (!outcome.Delivered || mobiles.Count == 0)
        {
            return outcome;
        }

        var mention = new { msgtype = "text", text = new { content = "请值班人员尽快处理上面的告警 / On-duty staff: please handle the alert above", mentioned_mobile_list = mobiles } };
        var mentioned = await PostAsync(client, channel.Url!, mention, cancellationToken);
        return outcome with { Answer = mentioned.Delivered ? $"{outcome.Answer}; mentioned {string.Join(',', mobiles)}" : $"{outcome.Answer}; mention failed: {mentioned.Answer}" };
    }

    private static async Task<SendOutcome> PostAsync(HttpClient client, Uri url, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(url, body, cancellationToken);
        var (code, message) = await RobotAnswer.ReadAsync(response, cancellationToken);
        var answer = $"HTTP {(int)response.StatusCode}, WeCom errcode {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}: {message}";
        return code switch
        {
            0 when response.IsSuccessStatusCode => SendOutcome.Ok(answer),
            45009 => new SendOutcome(false, $"{answer} (rate limited: about 20 messages a minute per robot)", RetryAfter: TimeSpan.FromMinutes(1)),
            93000 => new SendOutcome(false, $"{answer} (the robot's webhook address is invalid or the robot was removed)", Permanent: true),
            40058 => new SendOutcome(false, $"{answer} (content too long or malformed)", Permanent: true),
            _ => new SendOutcome(false, answer),
        };
    }
}
