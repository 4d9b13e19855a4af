using System.Buffers.Binary;
using System.IO.Hashing;
using Iot.Protocol.Topics;

namespace Iot.Edge.Outbox;

/// <summary>
/// How a record lies on disk: magic, body length, CRC-32 of the body, then the body (seq, channel, priority,
/// payload). The magic lets recovery find the next record after damage; the CRC means a torn or rotten
/// record is skipped, never sent as garbage.
/// </summary>
internal static class RecordFormat
{
    public const uint Magic = 0x314F4249; // "IBO1" little-endian
    public const int HeaderLength = 12;
    public const int BodyPrefixLength = 10;
    public const int MaxBodyLength = 1 << 20;

    public static int SizeOf(int payloadLength) => HeaderLength + BodyPrefixLength + payloadLength;

    public static void Write(Span<byte> target, long seq, Channel channel, OutboxPriority priority, ReadOnlySpan<byte> payload)
    {
        var body = target.Slice(HeaderLength, BodyPrefixLength + payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(body, seq);
        body[8] = (byte)channel;
        body[9] = (byte)priority;
        payload.CopyTo(body[BodyPrefixLength..]);
        BinaryPrimitives.WriteUInt32LittleEndian(target, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(target[4..], (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(target[8..], Crc32.HashToUInt32(body));
    }

    /// <summary>Reads a body length from a header, or -1 when the header cannot start a record.</summary>
    public static int BodyLength(ReadOnlySpan<byte> header)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
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

        record = new OutboxRecord(priority, channel, BinaryPrimitives.ReadInt64LittleEndian(body), body[BodyPrefixLength..].ToArray());
        return true;
    }
}
