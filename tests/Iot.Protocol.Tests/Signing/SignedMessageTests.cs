using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Iot.Protocol.Signing;

namespace Iot.Protocol.Tests.Signing;

public sealed class SignedMessageTests : IDisposable
{
    private static readonly byte[] Config = Encoding.UTF8.GetBytes("""{"v":"1.1","agent":"yikang-12-a","hash":"ab","issuedAt":"2026-12-05T03:00:00Z","config":{}}""");
    private readonly SigningKey _cloud = SigningKey.Create();
    private readonly SigningKey _attacker = SigningKey.Create();
    private readonly TrustedKeys _trusted;

    public SignedMessageTests() => _trusted = TrustedKeys.Of(_cloud);

    public void Dispose()
    {
        _cloud.Dispose();
        _attacker.Dispose();
        _trusted.Dispose();
    }

    [Fact]
    public void A_message_signed_by_the_trusted_key_opens_to_the_exact_bytes_signed()
    {
        var opened = SignedMessage.Open(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config), _trusted, SignedPurpose.Config);
        Assert.True(opened.IsTrusted, opened.Problem);
        Assert.Equal(Config, opened.Payload);
        Assert.Equal(_cloud.KeyId, opened.KeyId);
    }

    [Fact]
    public void The_envelope_is_a_flattened_jws_with_an_es256_header_naming_key_and_purpose()
    {
        var envelope = JsonNode.Parse(SignedMessage.Sign(Config, _cloud, SignedPurpose.Command))!.AsObject();
        Assert.Equal(["protected", "payload", "signature"], envelope.Select(p => p.Key));
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(envelope["protected"]!.GetValue<string>()))!;
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal(_cloud.KeyId, header["kid"]!.GetValue<string>());
        Assert.Equal("iot-command", header["typ"]!.GetValue<string>());
        Assert.Equal(64, Base64Url.DecodeFromChars(envelope["signature"]!.GetValue<string>()).Length);
        Assert.Matches("^[0-9a-f]{16}$", _cloud.KeyId);
    }

    [Fact]
    public void An_unsigned_message_is_refused_as_unsigned()
    {
        var opened = SignedMessage.Open(Config, _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.Null(opened.Payload);
        Assert.StartsWith("unsigned", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_signed_by_a_key_not_trusted_is_refused_naming_the_key()
    {
        var opened = SignedMessage.Open(SignedMessage.Sign(Config, _attacker, SignedPurpose.Config), _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.Contains(_attacker.KeyId, opened.Problem, StringComparison.Ordinal);
        Assert.Contains("not trusted", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_message_claiming_the_trusted_key_id_fails_the_signature_check()
    {
        // The attacker copies the cloud's header (its key id) and signs with their own key.
        var genuine = JsonNode.Parse(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config))!.AsObject();
        var forged = JsonNode.Parse(SignedMessage.Sign(Config, _attacker, SignedPurpose.Config))!.AsObject();
        forged["protected"] = genuine["protected"]!.GetValue<string>();
        var opened = SignedMessage.Open(Encoding.UTF8.GetBytes(forged.ToJsonString()), _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.Contains("does not match", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_one_byte_of_the_signed_payload_breaks_the_signature()
    {
        var envelope = JsonNode.Parse(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config))!.AsObject();
        var altered = Encoding.UTF8.GetString(Config).Replace("\"hash\":\"ab\"", "\"hash\":\"ac\"", StringComparison.Ordinal);
        envelope["payload"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(altered));
        var opened = SignedMessage.Open(Encoding.UTF8.GetBytes(envelope.ToJsonString()), _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.Contains("does not match", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_signature_is_not_accepted_as_a_command()
    {
        var opened = SignedMessage.Open(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config), _trusted, SignedPurpose.Command);
        Assert.False(opened.IsTrusted);
        Assert.Contains("not as 'iot-command'", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsigned_alg_none_header_is_refused()
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"none","kid":"{{_cloud.KeyId}}","typ":"iot-config"}"""));
        var envelope = $$"""{"protected":"{{header}}","payload":"{{Base64Url.EncodeToString(Config)}}","signature":""}""";
        var opened = SignedMessage.Open(Encoding.UTF8.GetBytes(envelope), _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.Contains("only ES256", opened.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"protected\":1,\"payload\":\"\",\"signature\":\"\"}")]
    [InlineData("{\"protected\":\"%%%\",\"payload\":\"e30\",\"signature\":\"AA\"}")]
    [InlineData("{\"protected\":\"bm90IGpzb24\",\"payload\":\"e30\",\"signature\":\"AA\"}")]
    [InlineData("not json at all")]
    public void Malformed_envelopes_are_refused_with_a_reason_and_never_throw(string envelope)
    {
        var opened = SignedMessage.Open(Encoding.UTF8.GetBytes(envelope), _trusted, SignedPurpose.Config);
        Assert.False(opened.IsTrusted);
        Assert.False(string.IsNullOrWhiteSpace(opened.Problem));
    }

    [Fact]
    public void An_oversized_envelope_is_refused_before_it_is_parsed()
    {
        var opened = SignedMessage.Open(new byte[SignedMessage.MaxEnvelopeBytes + 1], _trusted, SignedPurpose.Config);
        Assert.Contains("at most", opened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void During_a_key_change_messages_signed_with_the_old_or_the_new_key_are_both_accepted()
    {
        using var next = SigningKey.Create();
        using var both = TrustedKeys.FromPem([_cloud.ToPublicPem(), next.ToPublicPem()]);
        Assert.True(SignedMessage.Open(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config), both, SignedPurpose.Config).IsTrusted);
        Assert.True(SignedMessage.Open(SignedMessage.Sign(Config, next, SignedPurpose.Config), both, SignedPurpose.Config).IsTrusted);
        using var newOnly = TrustedKeys.FromPem([next.ToPublicPem()]);
        Assert.False(SignedMessage.Open(SignedMessage.Sign(Config, _cloud, SignedPurpose.Config), newOnly, SignedPurpose.Config).IsTrusted);
    }

    [Fact]
    public void A_signing_key_survives_its_pem_round_trip_with_the_same_id()
    {
        using var again = SigningKey.FromPem(_cloud.ToPrivatePem());
        Assert.Equal(_cloud.KeyId, again.KeyId);
        Assert.True(SignedMessage.Open(SignedMessage.Sign(Config, again, SignedPurpose.Config), _trusted, SignedPurpose.Config).IsTrusted);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => SigningKey.FromPem(_cloud.ToPublicPem()));
    }
}
