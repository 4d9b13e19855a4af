using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Iot.Cloud.Notifications.Channels;

/// <summary>
/// SMS through Aliyun's SendSms (dysmsapi, version 2017-05-25, RPC style): the parameters sorted, percent-encoded per
/// RFC 3986, signed as <c>Base64(HMAC-SHA1(AccessKeySecret + "&amp;", "POST&amp;%2F&amp;" + encode(canonical query)))</c>
/// (SignatureMethod HMAC-SHA1, SignatureVersion 1.0), posted as a form. SMS in China is template-only: the channel's
/// approved template per kind, and the message's parameters. Answers <c>{"Code":"OK"}</c> or a code in words.
/// </summary>
public sealed class AliyunSmsSender : IChannelSender
{
    public ChannelKind Kind => ChannelKind.Sms;

    public IEnumerable<IReadOnlyList<Notification>> Batches(IReadOnlyList<Notification> waiting) => waiting.Select(n => (IReadOnlyList<Notification>)[n]);

    /// <summary>RFC 3986 encoding as Aliyun's signature wants it (space as %20, '*' as %2A, '~' kept).</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    /// <summary>The <c>Signature</c> parameter for <paramref name="parameters"/> (without Signature).</summary>
    public static string Sign(IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret)
    {
        var canonical = string.Join('&', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Encode(p.Key)}={Encode(p.Value)}"));
        var toSign = $"POST&{Encode("/")}&{Encode(canonical)}";
#pragma warning disable CA5350 // HMAC-SHA1 is what SignatureMethod=HMAC-SHA1 of Aliyun's RPC API documents.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(toSign)));
#pragma warning restore CA5350
    }

    /// <summary>The template family of a message kind: <c>alert</c>, <c>workOrder</c> or <c>recovered</c>.</summary>
    public static string Family(string kind) => kind == "test" ? "alert" : kind.EndsWith(".recovered", StringComparison.Ordinal) ? "recovered" : kind.Split('.')[0];

    public async Task<SendOutcome> SendAsync(HttpClient client, ChannelOptions channel, IReadOnlyList<Notification> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(batch);
        var message = batch[0];
        var family = Family(message.Kind);
        if (!channel.Templates.TryGetValue(family, out var template))
        {
            return new SendOutcome(false, $"no SMS template for '{family}' messages (Webhooks:Channels:<name>:Templates:{family})", Permanent: true);
        }

        if (string.IsNullOrWhiteSpace(message.Recipient))
        {
            return new SendOutcome(false, "nobody to text: no one on duty, no fallback and no Phones", Permanent: true);
        }

        var parameters = new Dictionary<string, string>
        {
            ["AccessKeyId"] = channel.AccessKeyId!,
            ["Action"] = "SendSms",
            ["Format"] = "JSON",
            ["PhoneNumbers"] = message.Recipient,
            ["RegionId"] = "cn-hangzhou",
            ["SignName"] = channel.SignName!,
            ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureNonce"] = message.MessageId.ToString() + "-" + message.Attempts.ToString(CultureInfo.InvariantCulture),
            ["SignatureVersion"] = "1.0",
            ["TemplateCode"] = template,
            ["TemplateParam"] = message.TemplateParams ?? "{}",
            ["Timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["Version"] = "2017-05-25",
            ["OutId"] = message.MessageId.ToString("N"),
        };
        parameters["Signature"] = Sign(parameters, channel.Secret!);
        using var content = new FormUrlEncodedContent(parameters);
        using var response = await client.PostAsync(channel.Url, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string code = "?", words = text;
        try
        {
            using var json = JsonDocument.Parse(text);
            code = json.RootElement.TryGetProperty("Code", out var c) ? c.GetString() ?? "?" : "?";
            words = json.RootElement.TryGetProperty("Message", out var m) ? m.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            words = text.Length > 200 ? text[..200] : text;
        }

        var answer = $"HTTP {(int)response.StatusCode}, Aliyun SMS {code}: {words}";
        return code switch
        {
            "OK" => SendOutcome.Ok($"{answer}; to {message.Recipient}"),
            "isv.BUSINESS_LIMIT_CONTROL" => new SendOutcome(false, $"{answer} (rate limited for this number)", RetryAfter: TimeSpan.FromMinutes(1)),
            "isv.SMS_TEMPLATE_ILLEGAL" => new SendOutcome(false, $"{answer} (template not approved or unknown: {template})", Permanent: true),
            "isv.SMS_SIGNATURE_ILLEGAL" => new SendOutcome(false, $"{answer} (signature name not approved: {channel.SignName})", Permanent: true),
            "SignatureDoesNotMatch" or "InvalidAccessKeyId.NotFound" => new SendOutcome(false, $"{answer} (bad request signature: check AccessKeyId and secret)", Permanent: true),
            "isv.MOBILE_NUMBER_ILLEGAL" => new SendOutcome(false, $"{answer} (bad mobile number: {message.Recipient})", Permanent: true),
            _ => new SendOutcome(false, answer),
        };
    }
}
