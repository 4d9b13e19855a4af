using System.Text.Json.Nodes;

namespace Iot.Cloud.Tests.Security;

/// <summary>The hostile values the HTTP fuzzer draws from: text, numbers, dates, path segments and raw bodies.</summary>
internal static class HostileValues
{
    public const int HugeLength = 100_000;

    /// <summary>Strings of the right JSON type that no handler should choke on.</summary>
    public static IEnumerable<(string Name, string Value)> Strings(Random random)
    {
        yield return ("empty", string.Empty);
        yield return ("blank", "   ");
        yield return ("huge", new string('x', HugeLength));
        yield return ("huge CJK", string.Concat(Enumerable.Repeat("院坝", HugeLength / 2)));
        yield return ("control chars", "a\u0000b\u0001c\u001b[31md\r\ne\t");
        yield return ("bidi and zero-width", "\u202egnp.exe\u200b\ufeff");
        yield return ("emoji", "💡🔥🚪" + new string('\u0301', 50));
        yield return ("sql", "' OR '1'='1'; DROP TABLE WorkOrders; --");
        yield return ("path traversal", "../../../../etc/passwd");
        yield return ("nul escape", "%00");
        yield return ("markup", "<script>alert(1)</script><img src=x onerror=alert(1)>");
        yield return ("format string", "{0}{1}%s%n%x");
        yield return ("random", RandomText(random, 64));
    }

    /// <summary>Numbers, in and out of every range (as JSON nodes, since some are not representable as double).</summary>
    public static IEnumerable<(string Name, JsonNode Value)> Numbers()
    {
        yield return ("zero", JsonValue.Create(0));
        yield return ("negative", JsonValue.Create(-1));
        yield return ("int min", JsonValue.Create(int.MinValue));
        yield return ("int overflow", JsonNode.Parse("2147483648")!);
        yield return ("long overflow", JsonNode.Parse("9223372036854775808")!);
        yield return ("huge", JsonNode.Parse("1e308")!);
        yield return ("beyond double", JsonNode.Parse("1e400")!);
        yield return ("negative huge", JsonNode.Parse("-1e308")!);
        yield return ("fraction", JsonValue.Create(1.5));
        yield return ("NaN text", JsonValue.Create("NaN"));
        yield return ("infinity text", JsonValue.Create("-Infinity"));
        yield return ("number as text", JsonValue.Create("3"));
    }

    /// <summary>Dates that parse but are absurd, and dates that do not parse.</summary>
    public static IEnumerable<(string Name, string Value, bool Parses)> Dates()
    {
        yield return ("year 1", "0001-01-01T00:00:00Z", true);
        yield return ("year 9999", "9999-12-31T23:59:59Z", true);
        yield return ("epoch", "1970-01-01T00:00:00Z", true);
        yield return ("far offset", "2026-01-01T00:00:00+14:00", true);
        yield return ("date only", "2026-01-01", true);
        yield return ("month 13", "2026-13-45T00:00:00Z", false);
        yield return ("30 February", "2026-02-30T00:00:00Z", false);
        yield return ("words", "yesterday", false);
        yield return ("negative year", "-0001-01-01T00:00:00Z", false);
    }

    /// <summary>Path segments (already URL-encoded where they must be).</summary>
    public static IEnumerable<(string Name, string Segment)> PathSegments()
    {
        yield return ("very long", new string('a', 4000));
        yield return ("dot dot", "..");
        yield return ("encoded dot dot slash", "..%2F..%2Fetc%2Fpasswd");
        yield return ("encoded nul", "%00");
        yield return ("double-encoded nul", "%2500");
        yield return ("sql", Uri.EscapeDataString("1' OR '1'='1"));
        yield return ("markup", Uri.EscapeDataString("<script>alert(1)</script>"));
        yield return ("unicode", Uri.EscapeDataString("院坝💡"));
        yield return ("invalid utf-8", "%FF%FE");
        yield return ("crlf", "x%0D%0AX-Injected:%201");
        yield return ("not found", "999999999");
        yield return ("zero", "0");
        yield return ("negative", "-1");
        yield return ("long overflow", "9223372036854775808");
        yield return ("blank", "%20");
    }

    /// <summary>Query values that every parameter should survive, whatever its type.</summary>
    public static IEnumerable<(string Name, string Value)> QueryValues()
    {
        yield return ("very long", new string('q', 4000));
        yield return ("sql", "' OR 1=1 --");
        yield return ("nul", "\0");
        yield return ("markup", "<script>alert(1)</script>");
        yield return ("path traversal", "../../etc/passwd");
        yield return ("unicode", "院坝💡\u202e");
        yield return ("empty", string.Empty);
    }

    /// <summary>Bodies that are not JSON, or not JSON of any useful shape.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> BrokenJson()
    {
        static byte[] Text(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        yield return ("unterminated object", Text("{"));
        yield return ("unterminated string", Text("{\"a\": \"abc"));
        yield return ("trailing comma", Text("{\"a\": 1,}"));
        yield return ("single quotes", Text("{'a': 1}"));
        yield return ("comment", Text("{/* hi */}"));
        yield return ("garbage after", Text("{} xyz"));
        yield return ("bare word", Text("nul"));
        yield return ("not utf-8", [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00]);
        yield return ("lone surrogate", Text("{\"a\": \"\\ud800\"}"));
        yield return ("deeply nested arrays", Text(new string('[', 5000) + new string(']', 5000)));
        yield return ("deeply nested objects", Text(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)));
        yield return ("xml", Text("<?xml version=\"1.0\"?><a/>"));
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            // Anything from the Basic Multilingual Plane except surrogates, including controls.
            var c = (char)random.Next(0, 0xD7FF);
            chars[i] = c;
        }

        return new string(chars);
    }
}
