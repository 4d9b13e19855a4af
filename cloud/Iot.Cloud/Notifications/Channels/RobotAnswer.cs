using System.Text.Json;

namespace Iot.Cloud.Notifications.Channels;

/// <summary>Reads the <c>{"errcode":0,"errmsg":"ok"}</c> answer WeCom and DingTalk robots both give.</summary>
internal static class RobotAnswer
{
    public static async Task<(int? Code, string Message)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            var code = json.RootElement.TryGetProperty("errcode", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
            var message = json.RootElement.TryGetProperty("errmsg", out var m) ? m.GetString() ?? "" : "";
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, text.Length > 200 ? text[..200] : text);
        }
    }

    /// <summary>Packs messages into batches of at most <paramref name="maxBytes"/> UTF-8 bytes of joined text.</summary>
    public static IEnumerable<IReadOnlyList<Notification>> Pack(IReadOnlyList<Notification> waiting, int maxBytes)
    {
        var batch = new List<Notification>();
        var bytes = 0;
        foreach (var n in waiting)
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(n.Text) + 2;
            if (batch.Count > 0 && bytes + size > maxBytes)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(n);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>The batch's text, joined and cut to <paramref name="maxBytes"/> UTF-8 bytes on a character boundary.</summary>
    public static string Join(IReadOnlyList<Notification> batch, int maxBytes) => Cut(string.Join("\n\n", batch.Select(n => n.Text)), maxBytes);

    public static string Cut(string text, int maxBytes)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        const string more = "…";
        var budget = maxBytes - System.Text.Encoding.UTF8.GetByteCount(more);
        var end = 0;
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            used += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return text[..end] + more;
    }

    /// <summary>The distinct mobiles the batch's messages mention.</summary>
    public static List<string> Mobiles(IReadOnlyList<Notification> batch) =>
        batch.SelectMany(n => (n.Recipient ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
}
