using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Signing;

/// <summary>What <see cref="SignedMessage.Open"/> found: the payload a trusted key signed, or why there is none.</summary>
/// <param name="Payload">The exact bytes that were signed (a config or command to read with <see cref="Validation.MessageReader"/>).</param>
/// <param name="KeyId">The key that signed it.</param>
/// <param name="Problem">Why the message is refused, in words for a log and a result; null when it is accepted.</param>
public sealed record OpenedMessage(byte[]? Payload, string? KeyId, string? Problem)
{
    /// <summary>Whether a trusted key signed it for the expected purpose.</summary>
    public bool IsTrusted => Problem is null;
}

/// <summary>
/// Desired configs and commands travel signed by the cloud as a JWS (RFC 7515) in its flattened JSON form:
/// <c>{"protected": b64url(header), "payload": b64url(message bytes), "signature": b64url(r‖s)}</c>, with the header
/// <c>{"alg":"ES256","kid":…,"typ":"iot-config"|"iot-command"}</c>. The signature covers the exact message bytes
/// (through their base64url form, as JWS defines), the key id and the purpose; an agent believes a message because a
/// key it trusts signed it, never because of the topic it came on.
/// </summary>
public static class SignedMessage
{
    /// <summary>Largest envelope read: a payload at the protocol's limit in base64url, plus the header and signature.</summary>
    public const int MaxEnvelopeBytes = (MessageLimits.MaxPayloadBytes / 3 * 4) + 4096;

    private const string Algorithm = "ES256";

    /// <summary>Signs <paramref name="payload"/> for <paramref name="purpose"/> (<see cref="SignedPurpose"/>) with <paramref name="key"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> payload, SigningKey key, string purpose)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteString("alg", Algorithm);
            w.WriteString("kid", key.KeyId);
            w.WriteString("typ", purpose);
            w.WriteEndObject();
        }

        var protectedPart = Base64Url.EncodeToString(header.ToArray());
        var payloadPart = Base64Url.EncodeToString(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes($"{protectedPart}.{payloadPart}"));
        var envelope = new MemoryStream();
        using (var w = new Utf8JsonWriter(envelope))
        {
            w.WriteStartObject();
            w.WriteString("protected", protectedPart);
            w.WriteString("payload", payloadPart);
            w.WriteString("signature", Base64Url.EncodeToString(signature));
            w.WriteEndObject();
        }

        return envelope.ToArray();
    }

    /// <summary>
    /// Checks that <paramref name="envelope"/> is a message signed by one of <paramref name="keys"/> for
    /// <paramref name="purpose"/>, and returns the signed bytes; otherwise says why not (unsigned, malformed, an
    /// unknown key, a wrong purpose or algorithm, a signature that does not match). Never throws.
    /// </summary>
    public static OpenedMessage Open(ReadOnlyMemory<byte> envelope, TrustedKeys keys, string purpose)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (envelope.Length > MaxEnvelopeBytes)
        {
            return Refused($"the message is {envelope.Length} bytes; a signed message is at most {MaxEnvelopeBytes}");
        }

        string? protectedPart, payloadPart, signaturePart;
        try
        {
            using var doc = JsonDocument.Parse(envelope, new JsonDocumentOptions { MaxDepth = MessageLimits.MaxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Refused("unsigned: not a signed message (expected a JWS object with protected, payload and signature)");
            }

            protectedPart = Text(doc.RootElement, "protected");
            payloadPart = Text(doc.RootElement, "payload");
            signaturePart = Text(doc.RootElement, "signature");
        }
        catch (JsonException)
        {
            return Refused("unsigned: the message is not valid JSON");
        }

        if (protectedPart is null || payloadPart is null || signaturePart is null)
        {
            return Refused("unsigned: not a signed message (expected a JWS object with protected, payload and signature)");
        }

        if (!TryDecode(protectedPart, out var headerBytes) || !TryDecode(payloadPart, out var payload) || !TryDecode(signaturePart, out var signature))
        {
            return Refused("the signed message is not base64url in each of its parts");
        }

        string? alg, kid, typ;
        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Refused("the signature's header is not a JSON object");
            }

            (alg, kid, typ) = (Text(header.RootElement, "alg"), Text(header.RootElement, "kid"), Text(header.RootElement, "typ"));
        }
        catch (JsonException)
        {
            return Refused("the signature's header is not valid JSON");
        }

        if (alg != Algorithm)
        {
            return Refused($"signed with algorithm '{alg}'; only {Algorithm} is accepted");
        }

        if (kid is null || !keys.Contains(kid))
        {
            return Refused($"signed with key '{kid}', which is not trusted here (trusted: {string.Join(", ", keys.KeyIds)})");
        }

        if (typ != purpose)
        {
            return Refused($"signed as '{typ}', not as '{purpose}'");
        }

        if (signature.Length != 64 || !keys.Verify(kid, Encoding.ASCII.GetBytes($"{protectedPart}.{payloadPart}"), signature))
        {
            return Refused($"the signature does not match the message (key '{kid}'): it was altered or forged");
        }

        return new OpenedMessage(payload, kid, null);
    }

    private static OpenedMessage Refused(string problem) => new(null, null, problem);

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != text.Length)
        {
            bytes = [];
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
