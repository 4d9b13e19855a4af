using Microsoft.Win32.SafeHandles;

namespace Iot.Edge.Outbox;

/// <summary>What lies at a position in a segment.</summary>
internal enum ReadOutcome
{
    /// <summary>A sound record.</summary>
    Record,

    /// <summary>Damaged bytes (torn write, bit rot); <c>next</c> is where the next sound record starts, or the end.</summary>
    Damaged,

    /// <summary>Nothing more.</summary>
    End,
}

/// <summary>Reads records from a segment file, and finds the next sound record after damage.</summary>
internal static class SegmentReader
{
    public static ReadOutcome ReadAt(SafeFileHandle file, long length, long offset, out OutboxRecord? record, out long next)
    {
        record = null;
        next = length;
        if (offset >= length)
        {
            return ReadOutcome.End;
        }

        if (TryReadRecord(file, length, offset, out record, out var end))
        {
            next = end;
            return ReadOutcome.Record;
        }

        next = FindNextRecord(file, length, offset + 1);
        return ReadOutcome.Damaged;
    }

    private static bool TryReadRecord(SafeFileHandle file, long length, long offset, out OutboxRecord? record, out long end)
    {
        record = null;
        end = offset;
        Span<byte> header = stackalloc byte[RecordFormat.HeaderLength];
        if (length - offset < RecordFormat.HeaderLength || RandomAccess.Read(file, header, offset) != header.Length)
        {
            return false;
        }

        var bodyLength = RecordFormat.BodyLength(header);
        if (bodyLength < 0 || offset + RecordFormat.HeaderLength + bodyLength > length)
        {
            return false;
        }

        var body = new byte[bodyLength];
        if (RandomAccess.Read(file, body, offset + RecordFormat.HeaderLength) != bodyLength
            || !RecordFormat.TryDecode(header, body, out record))
        {
            return false;
        }

        end = offset + RecordFormat.HeaderLength + bodyLength;
        return true;
    }

    // Damage is rare, so a plain forward search for the magic, confirmed by a full CRC check, is enough.
    private static long FindNextRecord(SafeFileHandle file, long length, long from)
    {
        var buffer = new byte[64 * 1024];
        for (var start = from; start < length;)
        {
            var read = RandomAccess.Read(file, buffer, start);
            if (read < 4)
            {
                break;
            }

            for (var i = 0; i + 4 <= read; i++)
            {
                if (RecordFormat.IsMagic(buffer.AsSpan(i, 4)) && TryReadRecord(file, length, start + i, out _, out _))
                {
                    return start + i;
                }
            }

            start += read - 3;
        }

        return length;
    }
}
