using System.Text;
using Iot.Edge.Outbox;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Outbox;

public sealed class OutboxTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-outbox-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DiskOutbox Open(OutboxOptions? options = null) => DiskOutbox.Open(_folder, options ?? new OutboxOptions(), NullLogger.Instance);

    private static byte[] Payload(long seq, int size = 40) => Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"pad\":\"{new string('x', size)}\"}}");

    private static List<OutboxRecord> Drain(DiskOutbox outbox, bool acknowledge = true)
    {
        var all = new List<OutboxRecord>();
        while (outbox.TakeBatch(16, includeTelemetry: true) is { } batch)
        {
            all.AddRange(batch.Records);
            if (!acknowledge)
            {
                break;
            }

            outbox.Acknowledge(batch, batch.Records.Count);
        }

        return all;
    }

    private static List<int> RecordStarts(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length - 3).Where(i => bytes.AsSpan(i, 4).SequenceEqual("IBO2"u8)).ToList();

    private static string[] Segments(string folder) => Directory.GetFiles(folder, "*.seg").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Records_come_back_in_order_after_reopening_with_their_original_seq()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 100; i++)
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
            }
        }

        using var reopened = Open();
        Assert.Equal(100, reopened.Stats.Depth);
        var records = Drain(reopened);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), records.Select(r => r.Seq));
        Assert.All(records, r => Assert.Equal(Payload(r.Seq), r.Payload));
        Assert.Equal(0, reopened.Stats.Depth);
    }

    [Fact]
    public void Records_written_after_a_restart_that_found_everything_acknowledged_are_all_sent()
    {
        // The cursor then points at the end of a segment that recovery deletes; the next segment must not reuse its
        // number, or the cursor's offset would hide the new segment's first records.
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                outbox.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq));
            }

            Assert.Equal(5, Drain(outbox).Count);
        }

        using (var reopened = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                reopened.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq));
            }

            Assert.Equal(3, reopened.Stats.Depth);
        }

        using var again = Open();
        Assert.Equal(3, again.Stats.Depth);
        Assert.Equal([1L, 2L, 3L], Drain(again).Select(r => r.Seq));
    }

    [Fact]
    public void Acknowledged_records_are_deleted_and_never_sent_again()
    {
        using (var outbox = Open(new OutboxOptions { SegmentBytes = 4096 }))
        {
            for (var i = 0; i < 300; i++)
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
            }

            var batch = outbox.TakeBatch(250, includeTelemetry: true)!;
            outbox.Acknowledge(batch, 250);
            Assert.Equal(50, outbox.Stats.Depth);
        }

        using var reopened = Open();
        var records = Drain(reopened);
        Assert.Equal(Enumerable.Range(251, 50).Select(i => (long)i), records.Select(r => r.Seq));
        Assert.True(Segments(_folder).Length <= 1, $"acknowledged segments are deleted: {string.Join(", ", Segments(_folder))}");
    }

    [Fact]
    public void Unacknowledged_records_are_sent_again()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 10; i++)
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
            }

            var batch = outbox.TakeBatch(10, includeTelemetry: true)!;
            outbox.Acknowledge(batch, 4); // the broker acknowledged only the first four before the link dropped
        }

        using var reopened = Open();
        Assert.Equal(Enumerable.Range(5, 6).Select(i => (long)i), Drain(reopened).Select(r => r.Seq));
    }

    [Fact]
    public void A_torn_tail_loses_only_the_record_being_written()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 50; i++)
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
            }
        }

        var file = Segments(_folder).Single();
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length - 17); // power cut in the middle of the last write
        }

        using var reopened = Open();
        Assert.Equal(1, reopened.Stats.Corrupted);
        var records = Drain(reopened);
        Assert.Equal(Enumerable.Range(1, 49).Select(i => (long)i), records.Select(r => r.Seq));
    }

    [Fact]
    public void A_corrupted_record_is_skipped_and_counted_and_everything_around_it_recovered()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 50; i++)
            {
                outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
            }
        }

        var file = Segments(_folder).Single();
        var bytes = File.ReadAllBytes(file);
        var starts = RecordStarts(bytes);
        bytes[starts[20] + 30] ^= 0x5A;    // bit rot inside record 21's payload
        bytes[starts[30] + 5] ^= 0xFF;     // and inside record 31's length field
        File.WriteAllBytes(file, bytes);

        using var reopened = Open();
        Assert.Equal(2, reopened.Stats.Corrupted);
        var records = Drain(reopened);
        var expected = Enumerable.Range(1, 50).Where(i => i is not 21 and not 31).Select(i => (long)i);
        Assert.Equal(expected, records.Select(r => r.Seq));
        Assert.All(records, r => Assert.Equal(Payload(r.Seq), r.Payload));
    }

    [Fact]
    public void Garbage_appended_after_the_last_record_is_skipped_and_new_records_still_flow()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                outbox.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq));
            }
        }

        File.AppendAllText(Segments(_folder).Single(), "IBO1 this is not a record, only noise from a failing card");
        using var reopened = Open();
        reopened.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq));
        Assert.Equal(1, reopened.Stats.Corrupted);
        Assert.Equal(6, Drain(reopened).Count);
    }

    [Fact]
    public void Events_are_taken_before_older_telemetry()
    {
        using var outbox = Open();
        for (var i = 0; i < 20; i++)
        {
            outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq));
        }

        var eventSeq = outbox.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq));
        var safetySeq = outbox.Append(OutboxPriority.Safety, Channel.Events, seq => Payload(seq));

        var records = Drain(outbox);
        Assert.Equal([safetySeq, eventSeq], records.Take(2).Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), records.Skip(2).Select(r => r.Seq));
    }

    [Fact]
    public void A_full_outbox_drops_the_oldest_telemetry_first_keeps_every_event_and_counts_the_loss()
    {
        var options = new OutboxOptions { MaxBytes = 64 * 1024, SegmentBytes = 8 * 1024 };
        using var outbox = Open(options);
        var events = Enumerable.Range(0, 20).Select(_ => outbox.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq))).ToList();
        var telemetry = Enumerable.Range(0, 3000).Select(_ => outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq, 100))).ToList();

        var stats = outbox.Stats;
        Assert.True(stats.Bytes <= options.MaxBytes, $"{stats.Bytes} bytes on disk");
        Assert.True(stats.Dropped > 0);
        var records = Drain(outbox);
        Assert.Equal(events, records.Take(20).Select(r => r.Seq));
        var kept = records.Skip(20).Select(r => r.Seq).ToList();
        Assert.Equal(telemetry[^1], kept[^1]);                        // the newest telemetry survives
        Assert.Equal(kept.Order(), kept);                             // in order
        Assert.Equal(telemetry.Count, kept.Count + stats.Dropped);    // every loss is counted
        Assert.Equal(telemetry[^kept.Count..], kept);                 // and it is the oldest that went
    }

    [Fact]
    public void Telemetry_never_pushes_out_events()
    {
        var options = new OutboxOptions { MaxBytes = 64 * 1024, SegmentBytes = 4096 };
        using var outbox = Open(options);
        var events = new List<long>();
        while (outbox.Stats.Bytes < options.MaxBytes - 2048)
        {
            events.Add(outbox.Append(OutboxPriority.Event, Channel.Events, seq => Payload(seq, 200)));
        }

        outbox.Append(OutboxPriority.Telemetry, Channel.Telemetry, seq => Payload(seq, 4000));
        Assert.Equal(1, outbox.Stats.Dropped);
        Assert.Equal(events, Drain(outbox).Select(r => r.Seq));
    }
}
