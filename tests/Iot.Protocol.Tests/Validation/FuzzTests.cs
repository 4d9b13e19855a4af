using System.Text;
using System.Text.Json.Nodes;
using Iot.Protocol.Json;
using Iot.Protocol.Validation;

namespace Iot.Protocol.Tests.Validation;

/// <summary>
/// Mutated and random payloads, from a fixed seed so any failure reproduces, through every reader:
/// nothing may throw, and anything refused must say why.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 12_000;

    private static readonly Func<byte[], ReadResultSummary>[] Readers =
    [
        b => ReadResultSummary.Of(MessageReader.ReadTelemetry(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadEvent(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadStatus(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadCommand(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadCommandResult(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadDesiredConfig(b, Samples.Now)),
        b => ReadResultSummary.Of(MessageReader.ReadStored(b, Samples.Now)),
    ];

    private static readonly string[] Strings = ["NaN", "Infinity", "1970-01-01T00:00:00Z", "2099-01-01T00:00:00.000Z", "", "lamp-01.current", "current"];

    private static readonly byte[][] Seeds =
    [
        ProtocolJson.Serialize(Samples.Telemetry()),
        ProtocolJson.Serialize(Samples.Event()),
        ProtocolJson.Serialize(Samples.Status()),
        ProtocolJson.Serialize(Samples.Reset()),
        ProtocolJson.Serialize(Samples.Result()),
        ProtocolJson.Serialize(Samples.Config()),
        ProtocolJson.Serialize(Samples.Stored()),
    ];

    [Fact]
    public void Twelve_thousand_mutated_payloads_never_throw_and_every_refusal_has_a_reason()
    {
        var random = new Random(20200501);
        var refused = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var kind = i % Seeds.Length;
            var payload = Mutate(Seeds[kind], random);
            foreach (var read in new[] { Readers[kind], Readers[random.Next(Readers.Length)] })
            {
                var result = read(payload);
                if (!result.Valid)
                {
                    refused++;
                    Assert.NotEmpty(result.Problems);
                    Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Reason)));
                }
            }
        }

        // The mutations must actually exercise the refusal paths, not just produce valid messages.
        Assert.True(refused > Iterations, $"only {refused} refusals");
    }

    private static byte[] Mutate(byte[] seed, Random random) => random.Next(8) switch
    {
        0 => FlipBytes(seed, random),
        1 => seed[..random.Next(seed.Length)],
        2 => RandomBytes(random),
        3 => Encoding.UTF8.GetBytes(ReplaceNode(seed, random)),
        4 => Encoding.UTF8.GetBytes(RemoveNode(seed, random)),
        5 => Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)) + new string(']', random.Next(0, 5000))),
        6 => Encoding.UTF8.GetBytes(ReplaceNode(Encoding.UTF8.GetBytes(ReplaceNode(seed, random)), random)),
        _ => InsertToken(seed, random),
    };

    private static byte[] FlipBytes(byte[] seed, Random random)
    {
        var copy = (byte[])seed.Clone();
        for (var n = random.Next(1, 6); n > 0; n--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 512)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] InsertToken(byte[] seed, Random random)
    {
        string[] tokens = ["null", "NaN", "-Infinity", "1e999", "-0", "\"\\u0000\"", "{}", "[]", ",", ":", "\"", "}", "{\"a\":", "99999999999999999999999"];
        var at = random.Next(seed.Length);
        return [.. seed[..at], .. Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Length)]), .. seed[at..]];
    }

    private static string ReplaceNode(byte[] seed, Random random)
    {
        var root = JsonNode.Parse(seed)!;
        var (parent, key) = PickSlot(root, random);
        var replacement = RandomValue(random, depth: 0);
        switch (parent)
        {
            case JsonObject o when key is not null:
                o[key!] = replacement;
                break;
            case JsonArray a when a.Count > 0:
                a[random.Next(a.Count)] = replacement;
                break;
        }

        return root.ToJsonString();
    }

    private static string RemoveNode(byte[] seed, Random random)
    {
        var root = JsonNode.Parse(seed)!;
        var (parent, key) = PickSlot(root, random);
        switch (parent)
        {
            case JsonObject o when key is not null:
                o.Remove(key!);
                break;
            case JsonArray a when a.Count > 0:
                a.RemoveAt(random.Next(a.Count));
                break;
        }

        return root.ToJsonString();
    }

    private static (JsonNode Parent, string? Key) PickSlot(JsonNode root, Random random)
    {
        var node = root;
        while (true)
        {
            switch (node)
            {
                case JsonObject o when o.Count > 0:
                    var property = o.ElementAt(random.Next(o.Count));
                    if (property.Value is JsonObject or JsonArray && random.Next(2) == 0)
                    {
                        node = property.Value;
                        continue;
                    }

                    return (o, property.Key);
                case JsonArray a when a.Count > 0 && random.Next(2) == 0 && a[random.Next(a.Count)] is { } child and (JsonObject or JsonArray):
                    node = child;
                    continue;
                default:
                    return (node, null);
            }
        }
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 3 ? 6 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-5, 300)) * (random.Next(2) == 0 ? -1 : 1)),
        2 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        3 => JsonValue.Create(new string((char)random.Next(32, 0x9FFF), random.Next(0, 700))),
        4 => JsonValue.Create(random.Next(2) == 0),
        5 => JsonValue.Create(Strings[random.Next(Strings.Length)]),
        6 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))]),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create($"k{i}", RandomValue(random, depth + 1)))),
    };

    private sealed record ReadResultSummary(bool Valid, IReadOnlyList<Problem> Problems)
    {
        public static ReadResultSummary Of<T>(ReadResult<T> r)
            where T : class => new(r.IsValid, r.Problems);
    }
}
