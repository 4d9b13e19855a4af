using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>
/// The platforms, as their documentation describes them, on 127.0.0.1: a WeCom robot, a DingTalk robot, Aliyun's SendSms
/// and a generic webhook receiver. Each checks what its platform requires (field names, the signature recomputed from
/// the secret, content limits) and answers as the platform does, its error bodies included. Written from the platforms'
/// documents, not from the cloud's code: the signatures are computed here again from scratch.
/// </summary>
public sealed class PlatformReceiver : IAsyncDisposable
{
    public const string WeComKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
    public const string DingTalkToken = "dt-token-1";
    public const string DingTalkSecret = "SEC0123456789abcdef";
    public const string SmsKeyId = "LTAI-test";
    public const string SmsSecret = "sms-secret-1";
    public const string WebhookSecret = "hook-secret-1";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private int _weComMarkdowns;

    private PlatformReceiver(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
    }

    /// <summary>Every request as the platform saw it: which platform, and its JSON (or form, as JSON).</summary>
    public ConcurrentQueue<(string Platform, JsonObject Body)> Received { get; } = new();

    /// <summary>Message ids the webhook receiver got, in order (repeats included).</summary>
    public ConcurrentQueue<string> WebhookIds { get; } = new();

    /// <summary>WeCom markdown messages answered before the robot says "rate limited" (45009).</summary>
    public int WeComAllowance { get; set; } = int.MaxValue;

    /// <summary>SMS template codes that are approved.</summary>
    public HashSet<string> ApprovedTemplates { get; } = ["SMS_300001", "SMS_300002", "SMS_300003"];

    /// <summary>Webhook parties whose endpoint hangs until <see cref="Release"/>.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Hanging { get; } = new();

    /// <summary>Completed when a webhook party first receives something.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Arrived { get; } = new();

    /// <summary>Completed when a webhook party first accepts a correctly signed message.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Accepted { get; } = new();

    public Uri Base => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public Uri WeCom => new(Base, $"/cgi-bin/webhook/send?key={WeComKey}");

    public Uri DingTalk => new(Base, $"/robot/send?access_token={DingTalkToken}");

    public Uri Sms => new(Base, "/sms/");

    public Uri Webhook(string party) => new(Base, $"/hook/{party}");

    public void Release(string party)
    {
        if (Hanging.TryRemove(party, out var gate))
        {
            gate.TrySetResult();
        }
    }

    public static async Task<PlatformReceiver> StartAsync(TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new PlatformReceiver(app, clock);
        app.MapPost("/cgi-bin/webhook/send", receiver.WeComAsync);
        app.MapPost("/robot/send", receiver.DingTalkAsync);
        app.MapPost("/sms/", receiver.SmsAsync);
        app.MapPost("/hook/{party}", receiver.WebhookAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var party in Hanging.Keys)
        {
            Release(party);
        }

        await _app.DisposeAsync();
    }

    // Aliyun spells its fields in PascalCase (Code, Message, RequestId).
    private static IResult Aliyun(object body, int statusCode = 200) => Results.Json(body, new JsonSerializerOptions(), statusCode: statusCode);

    private static IResult Robot(int code, string message) => Results.Json(new { errcode = code, errmsg = message });

    // WeCom group robot: key in the query; msgtype markdown (content ≤ 4096 bytes) or text (content ≤ 2048 bytes,
    // mentioned_mobile_list); answers {"errcode":0,"errmsg":"ok"} or an error code.
    private async Task<IResult> WeComAsync(HttpRequest request)
    {
        if (request.Query["key"] != WeComKey)
        {
            return Robot(93000, "invalid webhook url, hint: [1733000000_1_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000");
        }

        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        var type = body?["msgtype"]?.GetValue<string>();
        var content = type is { } t ? body?[t]?["content"]?.GetValue<string>() : null;
        if (content is null)
        {
            return Robot(44004, "empty content");
        }

        var limit = type == "markdown" ? 4096 : 2048;
        if (Encoding.UTF8.GetByteCount(content) > limit)
        {
            return Robot(40058, $"markdown.content exceed max length {limit}");
        }

        if (type == "markdown" && Interlocked.Increment(ref _weComMarkdowns) > WeComAllowance)
        {
            return Robot(45009, "api freq out of limit");
        }

        Received.Enqueue(("wecom", body!));
        return Robot(0, "ok");
    }

    // DingTalk custom robot with signing: sign = urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret))),
    // timestamp in ms within an hour of now.
    private async Task<IResult> DingTalkAsync(HttpRequest request)
    {
        if (request.Query["access_token"] != DingTalkToken)
        {
            return Robot(300001, "token is not exist");
        }

        var timestamp = long.Parse(request.Query["timestamp"]!, CultureInfo.InvariantCulture);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret),
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}\n{DingTalkSecret}"))));
        if (request.Query["sign"] != expected || Math.Abs(_clock.GetUtcNow().ToUnixTimeMilliseconds() - timestamp) > 3_600_000)
        {
            return Robot(310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]");
        }

        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        if (body?["msgtype"]?.GetValue<string>() != "markdown" || body["markdown"]?["title"] is null || body["markdown"]?["text"] is null)
        {
            return Robot(300005, "param error: markdown needs title and text");
        }

        Received.Enqueue(("dingtalk", body));
        return Robot(0, "ok");
    }

    // Aliyun SendSms (RPC, 2017-05-25): every common parameter present; Signature = Base64(HMAC-SHA1(secret + "&",
    // "POST&%2F&" + percentEncode(sorted canonical query))); approved template; TemplateParam a JSON object.
    private async Task<IResult> SmsAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        string[] required = ["AccessKeyId", "Action", "Format", "PhoneNumbers", "SignName", "SignatureMethod", "SignatureNonce", "SignatureVersion", "TemplateCode", "Timestamp", "Version", "Signature"];
        if (required.FirstOrDefault(r => !fields.ContainsKey(r)) is { } missing)
        {
            return Aliyun(new { Code = "MissingParameter", Message = $"The input parameter \"{missing}\" that is mandatory for processing this request is not supplied." }, statusCode: 400);
        }

        static string Encode(string s) => Uri.EscapeDataString(s);
        var canonical = string.Join('&', fields.Where(f => f.Key != "Signature").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{Encode(f.Key)}={Encode(f.Value)}"));
#pragma warning disable CA5350 // Aliyun's documented SignatureMethod.
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(SmsSecret + "&"), Encoding.UTF8.GetBytes("POST&%2F&" + Encode(canonical))));
#pragma warning restore CA5350
        if (fields["AccessKeyId"] != SmsKeyId || fields["Signature"] != expected || fields["SignatureMethod"] != "HMAC-SHA1")
        {
            return Aliyun(new { Code = "SignatureDoesNotMatch", Message = "Specified signature is not matched with our calculation." }, statusCode: 400);
        }

        if (fields["Action"] != "SendSms" || fields["Version"] != "2017-05-25"
            || !DateTimeOffset.TryParseExact(fields["Timestamp"], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return Aliyun(new { Code = "InvalidParameter", Message = "Action, Version or Timestamp is wrong" }, statusCode: 400);
        }

        if (!ApprovedTemplates.Contains(fields["TemplateCode"]))
        {
            return Aliyun(new { Code = "isv.SMS_TEMPLATE_ILLEGAL", Message = "该账号下找不到对应模板", RequestId = Guid.NewGuid().ToString() });
        }

        try
        {
            _ = JsonDocument.Parse(fields.GetValueOrDefault("TemplateParam", "{}")).RootElement.EnumerateObject();
        }
        catch (JsonException)
        {
            return Aliyun(new { Code = "isv.INVALID_JSON_PARAM", Message = "JSON参数不合法，只接受字符串值" });
        }

        Received.Enqueue(("sms", new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value))))));
        return Aliyun(new { Code = "OK", Message = "OK", BizId = "900619746936498440^0", RequestId = Guid.NewGuid().ToString() });
    }

    // Our own webhook: X-Iot-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), X-Iot-Message-Id.
    private async Task<IResult> WebhookAsync(string party, HttpRequest request)
    {
        Arrived.GetOrAdd(party, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (Hanging.TryGetValue(party, out var gate))
        {
            await gate.Task;
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var timestamp = request.Headers["X-Iot-Timestamp"].ToString();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        if (request.Headers["X-Iot-Signature"] != expected)
        {
            return Results.Json(new { error = "bad signature" }, statusCode: 401);
        }

        WebhookIds.Enqueue(request.Headers["X-Iot-Message-Id"].ToString());
        Received.Enqueue(("webhook:" + party, JsonNode.Parse(body)!.AsObject()));
        Accepted.GetOrAdd(party, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return Results.Ok();
    }
}
