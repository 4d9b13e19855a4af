using System.Buffers.Binary;
using System.IO.Hashing;
using Iot.Protocol.Topics;

namespace Iot.Edge.Outbox;

/// <summary>
/// How a record lies on disk: magic, body length, CRC-32 of the body, then the body (seq, channel, priority,
/// and since "IBO2" the boot, then the payload). The magic lets recovery find the next record after damage; the CRC
/// means a torn or rotten record is skipped, never sent as garbage. The boot says whose watermark releases the record;
/// "IBO1" records (written before protocol 1.2) have none, and the broker's PUBACK releases them as it did then.
/// </summary>
internal static class RecordFormat
{
    public const uint Magic = 0x324F4249; // "IBO2" little-endian
    public const uint MagicWithoutBoot = 0x314F4249; // "IBO1"
    public const int HeaderLength = 12;
    public const int BodyPrefixLength = 10;
    public const int MaxBodyLength = 1 << 20;
    private const int MaxBootLength = 64;

    public static int SizeOf(int payloadLength, string boot) => HeaderLength + BodyPrefixLength + 1 + boot.Length + payloadLength;

    /// <summary>True for the four bytes that start a record of either version.</summary>
    public static bool IsMagic(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(bytes) is Magic or MagicWithoutBoot;

    public static void Write(Span<byte> target, long seq, Channel channel, OutboxPriority priority, string boot, ReadOnlySpan<byte> payload)
    {
        if (boot.Length > MaxBootLength || !System.Text.Ascii.IsValid(boot))
        {
            throw new ArgumentException($"boot '{boot}' must be ASCII of at most {MaxBootLength} characters", nameof(boot));
        }

        var prefix = BodyPrefixLength + 1 + boot.Length;
        var body = target.Slice(HeaderLength, prefix + payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(body, seq);
        body[8] = (byte)channel;
        body[9] = (byte)priority;
        body[BodyPrefixLength] = (byte)boot.Length;
        System.Text.Encoding.ASCII.GetBytes(boot, body[(BodyPrefixLength + 1)..]);
        payload.CopyTo(body[prefix..]);
        BinaryPrimitives.WriteUInt32LittleEndian(target, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(target[4..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(target[8..], Crc32.HashToUInt32(body));
    }

    /// <summary>Reads a body length from a header, or -1 when the header cannot start a record.</summary>
    public static int BodyLength(ReadOnlySpan<byte> header)
    {
        if (!IsMagic(header))
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return length is >= BodyPrefixLength and <= MaxBodyLength ? (int)length : -1;
    }

    public static bool TryDecode(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, out OutboxRecord? record)
    {
        record = null;
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
        {
            return false;
        }

        var channel = (Channel)body[8];
        var priority = (OutboxPriority)body[9];
        if (!Enum.IsDefined(channel) || !Enum.IsDefined(priority))
        {
            return false;
        }

        var payloadStart = BodyPrefixLength;
        var boot = string.Empty;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic)
        {
            var bootLength = body.Length > BodyPrefixLength ? body[BodyPrefixLength] : -1;
            if (bootLength is < 0 or > MaxBootLength || body.Length < BodyPrefixLength + 1 + bootLength)
            {
                return false;
            }

            boot = System.Text.Encoding.ASCII.GetString(body.Slice(BodyPrefixLength + 1, bootLength));
            payloadStart = BodyPrefixLength + 1 + bootLength;
        }

        record = new OutboxRecord(priority, channel, BinaryPrimitives.ReadInt64LittleEndian(body), body[payloadStart..].ToArray(), boot);
        return true;
    }
}
