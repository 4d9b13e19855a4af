using System.Text.Json;
using Iot.Cloud.Kernel;

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

    /// <summary>The batch's text (under the digest's heading when it is one), joined and cut to <paramref name="maxBytes"/> UTF-8 bytes on a character boundary.</summary>
    public static string Join(IReadOnlyList<Notification> batch, int maxBytes) =>
        Cut(string.Join("\n\n", batch.Select(n => n.Text).Prepend(DigestHeading(batch)).OfType<string>()), maxBytes);

    /// <summary>
    /// The heading of the 8:00 digest — a batch holding minor or warning messages, which only the digest sends to a
    /// robot: <c>【每日汇总】益康路1号院、益康路6号院，5 条</c>. Null for any other batch.
    /// </summary>
    public static string? DigestHeading(IReadOnlyList<Notification> batch)
    {
        if (!batch.Any(n => n.Severity < Severity.Major && n.Kind != "test"))
        {
            return null;
        }

        var courtyards = batch.Select(Courtyard).OfType<string>().Distinct().ToList();
        var where = courtyards.Count == 0 ? string.Empty : string.Join("、", courtyards.Take(3)) + (courtyards.Count > 3 ? " 等" : string.Empty) + "，";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"**【每日汇总】{where}{batch.Count} 条**");
    }

    // The courtyard's name from the message's JSON body (ChangeNotifier writes it there).
    private static string? Courtyard(Notification n)
    {
        try
        {
            using var json = JsonDocument.Parse(n.Body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("courtyard", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

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
