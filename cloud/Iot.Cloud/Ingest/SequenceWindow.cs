using System.Numerics;

namespace Iot.Cloud.Ingest;

/// <summary>What <see cref="SequenceWindow.Observe"/> decided about a seq.</summary>
public enum SeqVerdict
{
    /// <summary>First time seen: process it.</summary>
    New,

    /// <summary>Seen before (QoS 1 redelivery or an outbox replay): drop it.</summary>
    Duplicate,
}

/// <summary>
/// Dedupe state for one boot of one agent, in bounded memory: a watermark below which every seq has arrived,
/// and a bitmap of the next <see cref="Width"/> seqs. Messages may arrive out of order (events overtake
/// telemetry, replays follow live data). A seq more than <see cref="Width"/> ahead of the watermark pushes the
/// window on, and any seq it passes that never arrived is counted as lost: data loss is visible, never silent.
/// </summary>
public sealed class SequenceWindow
{
    /// <summary>How many seqs above the watermark are tracked.</summary>
    public const int Width = 8192;

    // Only while seqs above the watermark have arrived (out of order): an agent whose messages come in order, as nearly
    // all do, holds no bitmap at all, where it held 1 KiB (bench/README.md, "City scale (issue 16, third round)").
    private ulong[]? _bits;

    // Bit for seq (Contiguous + 1 + i) lives at ring position (_head + i) % Width.
    private int _head;

    /// <summary>Every seq up to and including this one has arrived (0 before the first).</summary>
    public long Contiguous { get; private set; }

    /// <summary>The highest seq that has arrived.</summary>
    public long MaxSeen { get; private set; }

    /// <summary>Seqs given up on because the window moved past them.</summary>
    public long Lost { get; private set; }

    /// <summary>Seqs above the watermark that have not arrived (yet).</summary>
    public long Missing => MaxSeen - Contiguous - CountAbove();

    /// <summary>Records <paramref name="seq"/> and says whether it is new.</summary>
    public SeqVerdict Observe(long seq)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        if (seq <= Contiguous)
        {
            return SeqVerdict.Duplicate;
        }

        // In order, nothing held above: the watermark moves on, and no bitmap is needed.
        if (seq == Contiguous + 1 && MaxSeen <= Contiguous)
        {
            Contiguous = seq;
            MaxSeen = seq;
            _head = (_head + 1) % Width;
            return SeqVerdict.New;
        }

        var offset = seq - Contiguous - 1;
        if (offset >= Width)
        {
            Slide(offset - Width + 1);
            offset = Width - 1;
        }

        var position = (int)((_head + offset) % Width);
        if (IsSet(position))
        {
            return SeqVerdict.Duplicate;
        }

        Set(position, true);
        MaxSeen = Math.Max(MaxSeen, seq);
        Compact();
        return SeqVerdict.New;
    }

    /// <summary>Gives up on every seq that has not arrived (the boot is closed): they count as lost. Returns how many.</summary>
    public long Close()
    {
        var missing = Missing;
        Lost += missing;
        Contiguous = MaxSeen;
        _bits = null;
        _head = 0;
        return missing;
    }

    /// <summary>
    /// An agent's outbox floor: it holds nothing below <paramref name="floor"/> that has not arrived, so every seq below it
    /// still missing here is given up (counted lost) and the watermark moves to at least <c>floor − 1</c>. Returns how many.
    /// Never past <see cref="MaxSeen"/>: a floor is the agent's word, and a forged one (a stolen password) could otherwise
    /// push the watermark far ahead, so that everything the agent really sends next is dropped as a duplicate. Bounded
    /// this way, a forgery can only give up seqs already missing, which a genuine floor could too; and a genuine floor
    /// above MaxSeen loses nothing by waiting, since the seqs between must arrive before they can be missed.
    /// </summary>
    public long GiveUpBelow(long floor)
    {
        var upTo = Math.Min(floor - 1, MaxSeen);
        if (upTo <= Contiguous)
        {
            return 0;
        }

        var lostBefore = Lost;
        Slide(upTo - Contiguous);
        Compact();
        return Lost - lostBefore;
    }

    /// <summary>The seqs above the watermark that have arrived, as a bitmap (bit i for Contiguous + 1 + i), for persisting.</summary>
    public byte[] SeenAboveBitmap()
    {
        var span = (int)(MaxSeen - Contiguous);
        var bytes = new byte[(span + 7) / 8];
        for (var i = 0; i < span; i++)
        {
            if (IsSet((_head + i) % Width))
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return bytes;
    }

    /// <summary>Rebuilds a window from its persisted form.</summary>
    public static SequenceWindow Restore(long contiguous, long maxSeen, long lost, ReadOnlySpan<byte> seenAbove)
    {
        var window = new SequenceWindow { Contiguous = contiguous, MaxSeen = Math.Max(contiguous, maxSeen), Lost = lost };
        var bits = Math.Min(seenAbove.Length * 8, Width);
        for (var i = 0; i < bits; i++)
        {
            if ((seenAbove[i / 8] & (1 << (i % 8))) != 0)
            {
                window.Set(i, true);
            }
        }

        window.Compact();
        return window;
    }

    // Gives up on the oldest `count` seqs above the watermark, counting those that never came as lost.
    private void Slide(long count)
    {
        for (long i = 0; i < count; i++)
        {
            if (Contiguous + 1 > MaxSeen && i < count)
            {
                // Nothing seen beyond here: the rest of the slide is all loss, no bits to clear.
                var rest = count - i;
                Lost += rest;
                Contiguous += rest;
                MaxSeen = Math.Max(MaxSeen, Contiguous);
                return;
            }

            if (!IsSet(_head))
            {
                Lost++;
            }

            Set(_head, false);
            _head = (_head + 1) % Width;
            Contiguous++;
        }
    }

    private void Compact()
    {
        while (IsSet(_head))
        {
            Set(_head, false);
            _head = (_head + 1) % Width;
            Contiguous++;
        }

        // Caught up: every bit is clear again, so the bitmap goes until the next seq out of order.
        if (MaxSeen <= Contiguous)
        {
            _bits = null;
        }
    }

    private long CountAbove()
    {
        long n = 0;
        foreach (var word in _bits ?? [])
        {
            n += BitOperations.PopCount(word);
        }

        return n;
    }

    private bool IsSet(int position) => _bits is { } bits && (bits[position >> 6] & (1UL << (position & 63))) != 0;

    private void Set(int position, bool value)
    {
        if (value)
        {
            (_bits ??= new ulong[Width / 64])[position >> 6] |= 1UL << (position & 63);
        }
        else if (_bits is { } bits)
        {
            bits[position >> 6] &= ~(1UL << (position & 63));
        }
    }
}
