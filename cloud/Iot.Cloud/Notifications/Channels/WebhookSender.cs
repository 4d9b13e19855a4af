using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Notifications.Channels;

/// <summary>
/// Our generic webhook: the JSON event, with headers <c>X-Iot-Message-Id</c> (the same on every retry: drop repeats),
/// <c>X-Iot-Timestamp</c> (Unix seconds) and <c>X-Iot-Signature: sha256=HEX</c>, the HMAC-SHA256 with the channel's
/// secret over <c>timestamp + "." + body</c> (cloud/README.md, "Notifications", shows how to check it).
/// </summary>
public sealed class WebhookSender : IChannelSender
{
    public const string MessageIdHeader = "X-Iot-Message-Id";
    public const string TimestampHeader = "X-Iot-Timestamp";
    public const string SignatureHeader = "X-Iot-Signature";

    public ChannelKind Kind => ChannelKind.Webhook;

    public IEnumerable<IReadOnlyList<Notification>> Batches(IReadOnlyList<Notification> waiting) => waiting.Select(n => (IReadOnlyList<Notification>)[n]);

    /// <summary>The signature header's value.</summary>
    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{body}"))));

    public async Task<SendOutcome> SendAsync(HttpClient client, ChannelOptions channel, IReadOnlyList<Notification> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(batch);
        var message = batch[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url);
        request.Content = new StringContent(message.Body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var timestamp = now.ToUnixTimeSeconds();
        request.Headers.Add(MessageIdHeader, message.MessageId.ToString());
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(channel.Secret))
        {
            request.Headers.Add(SignatureHeader, Sign(channel.Secret, timestamp, message.Body));
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var answer = $"HTTP {(int)response.StatusCode}";
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            answer = text.Length == 0 ? answer : $"{answer}: {(text.Length > 200 ? text[..200] : text)}";
        }

        return response.IsSuccessStatusCode ? SendOutcome.Ok(answer)
            : new SendOutcome(false, answer, Permanent: (int)response.StatusCode is 400 or 401 or 403 or 404 or 410,
                RetryAfter: response.Headers.RetryAfter?.Delta);
    }
}
