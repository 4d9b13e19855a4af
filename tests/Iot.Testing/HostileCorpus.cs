using System.Text;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;

namespace Iot.Testing;

/// <summary>One hostile message: where it goes, what it carries, and what kind of damage it is.</summary>
/// <param name="Topic">An uplink topic (the cloud is subscribed to it), itself sometimes broken.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Category">What is wrong with it, for reports.</param>
public sealed record HostileMessage(string Topic, byte[] Payload, string Category);

/// <summary>
/// Generates malformed, oversized, deeply nested, wrong-typed, out-of-range, spoofed and foreign-topic messages from a
/// fixed seed, so every run sends the same corpus. Every message is on a topic the cloud subscribes to, so each one
/// must come back as a dead letter with a reason.
/// </summary>
public static class HostileCorpus
{
    private static readonly string[] Channels = ["telemetry", "events", "status", "results"];

    public static IEnumerable<HostileMessage> Generate(int count, string site, string courtyard, string agent, int seed = 20200501)
    {
        var random = new Random(seed);
        var valid = ProtocolJson.Serialize(new TelemetryBatch(ProtocolVersion.Current, AgentId.Parse(agent), BootId.Parse("cafe0000cafe0000"), 1,
            [new Reading(SensorId.Parse("lamp-01.current"), Quantity.Current, 0.4, At: DateTimeOffset.UtcNow.AddMinutes(-1))]));
        var text = Encoding.UTF8.GetString(valid);
        var version = $"\"v\":\"{ProtocolVersion.Current}\"";
        string Topic(string channel, string? a = null, string? c = null) => $"estate/v1/{site}/{c ?? courtyard}/{a ?? agent}/{channel}";

        for (var i = 0; i < count; i++)
        {
            var channel = Channels[random.Next(Channels.Length)];
            yield return (i % 12) switch
            {
                0 => new(Topic(channel), Flip(valid, random), "corrupted bytes"),
                1 => new(Topic(channel), valid[..random.Next(valid.Length)], "truncated"),
                2 => new(Topic(channel), Encoding.UTF8.GetBytes(new string('[', 100 + random.Next(2000)) + new string(']', 100)), "deeply nested"),
                // Oversized payloads are few: each costs the broker and the cloud a quarter of a megabyte, and a few prove the bound.
                3 when i % 120 == 3 => new(Topic(channel), i % 240 == 3 ? new byte[300_000 + random.Next(50_000)] : Encoding.UTF8.GetBytes($"{{\"v\":\"1.0\",\"pad\":\"{new string('x', 270_000)}\"}}"), "oversized"),
                3 => new(Topic("telemetry"), Encoding.UTF8.GetBytes(Spoiled(text, "lamp-01.current", Pick(random, "lamp-01\\u0000.current", "../../etc/passwd", "lamp-01.current'; DROP TABLE readings;--", new string('a', 5000)))), "hostile sensor id"),
                4 => new(Topic("telemetry"), Encoding.UTF8.GetBytes(Spoiled(text, "0.4", Pick(random, "\"0.4\"", "true", "null", "[1]", "{}", "1e999", "-1e400"))), "wrong type"),
                5 => new(Topic("telemetry"), Encoding.UTF8.GetBytes(Spoiled(text, "0.4", Pick(random, "999", "-51", "5e9"))), "out of range"),
                6 => new(Topic("telemetry"), Encoding.UTF8.GetBytes(TimeShift(text, random)), "bad time"),
                7 => new(Topic(channel, a: $"ghost-{random.Next(1000)}"), valid, "unknown agent"),
                8 => new(Topic(channel, c: "somewhere-else"), valid, "agent in the wrong courtyard"),
                9 => new($"estate/v1/{site}/{courtyard}/{Pick(random, "UPPER", "under_score", "x--y", "-lead")}/{channel}", valid, "malformed topic"),
                10 => new(Topic(channel), RandomBytes(random), "random bytes"),
                _ => new(Topic("telemetry"), Encoding.UTF8.GetBytes(Spoiled(text, version, Pick(random, "\"v\":\"9.0\"", "\"v\":1", "\"v\":\"\""))), "bad version"),
            };
        }
    }

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static byte[] Flip(byte[] valid, Random random)
    {
        var copy = (byte[])valid.Clone();
        byte[] breakers = [(byte)'"', (byte)'{', (byte)'}', 0x01, 0xFF];
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            // Into bytes that break JSON or UTF-8 for sure (quotes, braces, a control byte, an invalid byte),
            // and never the byte already there.
            var at = random.Next(copy.Length);
            var candidates = breakers.Where(b => b != copy[at]).ToArray();
            copy[at] = candidates[random.Next(candidates.Length)];
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[1 + random.Next(400)];
        random.NextBytes(bytes);
        bytes[0] = 0xFF;   // never valid UTF-8 JSON
        return bytes;
    }

    private static string TimeShift(string text, Random random)
    {
        var start = text.IndexOf("\"at\":\"", StringComparison.Ordinal) + 6;
        var end = text.IndexOf('"', start);
        var at = Pick(random, "1970-01-01T00:00:00.000Z", "2099-12-31T23:59:59.999Z", "2026-13-45T99:99:99Z", "yesterday", "2026-11-29T21:00:00+08:00");
        return string.Concat(text.AsSpan(0, start), at, text.AsSpan(end));
    }

    // A hostile variant of the valid text; a replacement that finds nothing would send a valid message as "hostile".
    private static string Spoiled(string text, string valid, string hostile)
    {
        var spoiled = text.Replace(valid, hostile, StringComparison.Ordinal);
        return spoiled != text ? spoiled : throw new InvalidOperationException($"the valid message has no '{valid}' to spoil");
    }
}
