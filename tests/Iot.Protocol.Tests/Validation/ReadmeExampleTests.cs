using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Validation;
using Iot.Testing;

namespace Iot.Protocol.Tests.Validation;

/// <summary>Every example payload in protocol/README.md is read by the reader its code fence names, and is valid.</summary>
public partial class ReadmeExampleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 14, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, string> Examples()
    {
        var data = new TheoryData<string, int, string>();
        var text = File.ReadAllText(RepoPaths.Of("protocol", "README.md"));
        var n = 0;
        foreach (Match m in Fence().Matches(text))
        {
            if (m.Groups[1].Value != "signed")
            {
                data.Add(m.Groups[1].Value, n++, m.Groups[2].Value);
            }
        }

        return data;
    }

    [Fact]
    public void The_readme_shows_an_example_of_every_message_type()
    {
        var channels = Examples().Select(row => (string)row[0]).ToHashSet();
        Assert.Equal(["commands", "config", "events", "results", "status", "stored", "telemetry"], channels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_signed_example_opens_with_the_example_public_key_to_a_valid_command()
    {
        var text = File.ReadAllText(RepoPaths.Of("protocol", "README.md"));
        var envelope = Fence().Matches(text).Single(m => m.Groups[1].Value == "signed").Groups[2].Value;
        var pem = Regex.Match(text, "```pem example-key\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value;
        using var keys = Iot.Protocol.Signing.TrustedKeys.FromPem([pem]);
        var opened = Iot.Protocol.Signing.SignedMessage.Open(Encoding.UTF8.GetBytes(envelope), keys, Iot.Protocol.Signing.SignedPurpose.Command);
        Assert.True(opened.IsTrusted, opened.Problem);
        Assert.Empty(MessageReader.ReadCommand(opened.Payload, Now).Problems);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Readme_example_is_a_valid_message(string channel, int index, string json)
    {
        _ = index;
        var payload = Encoding.UTF8.GetBytes(channel == "config" ? WithRealHash(json) : json);
        var problems = channel switch
        {
            "telemetry" => MessageReader.ReadTelemetry(payload, Now).Problems,
            "events" => MessageReader.ReadEvent(payload, Now).Problems,
            "status" => MessageReader.ReadStatus(payload, Now).Problems,
            "results" => MessageReader.ReadCommandResult(payload, Now).Problems,
            "commands" => MessageReader.ReadCommand(payload, Now).Problems,
            "config" => MessageReader.ReadDesiredConfig(payload, Now).Problems,
            "stored" => MessageReader.ReadStored(payload, Now).Problems,
            _ => [new Problem("$", $"unknown fence '{channel}'")],
        };
        Assert.Empty(problems);
    }

    // A hand-typed SHA-256 would be wrong; the README says the test writes the real one.
    private static string WithRealHash(string json)
    {
        var node = JsonNode.Parse(json)!;
        var config = ProtocolJson.DeserializeTrusted<AgentManifest>(Encoding.UTF8.GetBytes(node["config"]!.ToJsonString()))!;
        node["hash"] = ConfigHash.Of(config);
        return node.ToJsonString();
    }

    [GeneratedRegex("```json (\\w+)\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
