using System.Text;
using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Outbox;

/// <summary>
/// The outbox keeps each record until the cloud's stored watermark passes it (protocol 1.2), not just until the broker's
/// PUBACK: a broker that forgets what it acknowledged loses nothing, because the records are sent again.
/// </summary>
public sealed class WatermarkTests : IDisposable
{
    private static readonly AgentId Agent = AgentId.Parse("test-1-a");
    private static readonly BootId Boot = BootId.Parse("b0000000000000a1");
    private static readonly BootId NextBoot = BootId.Parse("b0000000000000a2");
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-watermark-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DiskOutbox Open(BootId boot, OutboxOptions? options = null)
    {
        var outbox = DiskOutbox.Open(_folder, options ?? new OutboxOptions(), NullLogger.Instance);
        outbox.StartBoot(boot);
        return outbox;
    }

    private static byte[] Payload(long seq, int size = 40) => Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"pad\":\"{new string('x', size)}\"}}");

    private static StoredWatermark Stored(BootId boot, long stored, bool? closed = null) => new(ProtocolVersion.Current, Agent, [new BootWatermark(boot, stored, closed)]);

    private static void Write(DiskOutbox outbox, int count, OutboxPriority priority = OutboxPriority.Telemetry, int size = 40)
    {
        for (var i = 0; i < count; i++)
        {
            outbox.Append(priority, priority == OutboxPriority.Telemetry ? Channel.Telemetry : Channel.Events, seq => Payload(seq, size));
        }
    }

    // Everything the sender would publish now, each acknowledged by the broker.
    private static List<long> Send(DiskOutbox outbox)
    {
        var sent = new List<long>();
        while (outbox.TakeBatch(16, includeTelemetry: true) is { } batch)
        {
            sent.AddRange(batch.Records.Select(r => r.Seq));
            outbox.Acknowledge(batch, batch.Records.Count);
        }

        return sent;
    }

    [Fact]
    public void Records_the_broker_acknowledged_stay_until_the_watermark_passes_them_and_a_restart_sends_them_again()
    {
        using (var outbox = Open(Boot))
        {
            Write(outbox, 10);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Send(outbox));
            Assert.Empty(Send(outbox));                                       // sent once per link
            Assert.Equal((10, 10), (outbox.Stats.Depth, outbox.Stats.Unconfirmed));

            Assert.True(outbox.Confirm(Stored(Boot, 4)));
            Assert.Equal((6, 6), (outbox.Stats.Depth, outbox.Stats.Unconfirmed));
            Assert.False(outbox.Confirm(Stored(Boot, 3)));                    // an older watermark changes nothing
        }

        // The agent restarts (or the broker lost everything): what the cloud has not confirmed goes again.
        using var reopened = Open(NextBoot);
        Assert.Equal(Enumerable.Range(5, 6).Select(i => (long)i), Send(reopened));
    }

    [Fact]
    public void A_rewind_sends_everything_above_the_watermark_again_in_order()
    {
        using var outbox = Open(Boot);
        Write(outbox, 20);
        Send(outbox);
        outbox.Confirm(Stored(Boot, 7));

        outbox.Rewind();
        Assert.Equal(Enumerable.Range(8, 13).Select(i => (long)i), Send(outbox));
        outbox.Confirm(Stored(Boot, 20));
        Assert.Equal((0, 0), (outbox.Stats.Depth, outbox.Stats.Unconfirmed));
        outbox.Rewind();
        Assert.Empty(Send(outbox));
    }

    [Fact]
    public void Only_the_watermark_of_the_records_own_boot_releases_them()
    {
        using (var outbox = Open(Boot))
        {
            Write(outbox, 5);
        }

        using var reopened = Open(NextBoot);
        Write(reopened, 3);                                                   // seqs 1..3 again, of the new boot
        Send(reopened);
        Assert.Equal(8, reopened.Stats.Depth);

        reopened.Confirm(Stored(NextBoot, 3));                                // the new boot's are stored, the old boot's are not
        Assert.Equal(8, reopened.Stats.Depth);                                // the old boot's come first in the queue, so nothing goes yet
        reopened.Confirm(Stored(Boot, 5));
        Assert.Equal(0, reopened.Stats.Depth);
    }

    [Fact]
    public void A_closed_boot_lets_all_of_its_records_go()
    {
        using var outbox = Open(Boot);
        Write(outbox, 6);
        Send(outbox);
        outbox.Confirm(Stored(Boot, 2, closed: true));
        Assert.Equal(0, outbox.Stats.Depth);
    }

    [Fact]
    public void A_watermark_beyond_what_this_boot_has_written_is_not_believed()
    {
        using var outbox = Open(Boot);
        Write(outbox, 5);
        Send(outbox);
        Assert.False(outbox.Confirm(Stored(Boot, 1_000)));                   // forged or confused: it cannot be true
        Assert.Equal(5, outbox.Stats.Depth);
        Assert.True(outbox.Confirm(Stored(Boot, 5)));
    }

    [Fact]
    public void Events_overtake_telemetry_and_each_is_released_when_the_watermark_covers_it()
    {
        using var outbox = Open(Boot);
        Write(outbox, 10);                                                    // telemetry 1..10
        Write(outbox, 1, OutboxPriority.Event);                              // event 11
        var sent = Send(outbox);
        Assert.Equal(11, sent[0]);                                            // the event went first

        outbox.Confirm(Stored(Boot, 5));                                      // the cloud has telemetry 1..5, not yet 6..10
        Assert.Equal(6, outbox.Stats.Depth);
        outbox.Confirm(Stored(Boot, 11));
        Assert.Equal(0, outbox.Stats.Depth);
    }

    [Fact]
    public void What_a_full_outbox_dropped_is_named_by_a_floor_so_the_cloud_stops_waiting_for_it()
    {
        var options = new OutboxOptions { MaxBytes = 64 * 1024, SegmentBytes = 8 * 1024 };
        using var outbox = Open(Boot, options);
        Write(outbox, 1, OutboxPriority.Event);                              // seq 1, kept
        Write(outbox, 3000, size: 100);                                       // the oldest telemetry is dropped
        Assert.True(outbox.Stats.Dropped > 0);

        var sent = Send(outbox);
        var firstKept = sent.Skip(1).First();
        Assert.Empty(outbox.Floors());                                        // the cloud has said nothing yet

        // The cloud stored seq 1 and everything sent, but waits for seq 2, which is gone: the floor says so.
        outbox.Confirm(Stored(Boot, 1));
        var floor = Assert.Single(outbox.Floors());
        Assert.Equal((Boot, firstKept), (floor.Boot, floor.Seq));

        // Once the cloud counts the gap lost and stores the rest, there is nothing more to say.
        outbox.Confirm(Stored(Boot, sent.Max()));
        Assert.Empty(outbox.Floors());
        Assert.Equal(0, outbox.Stats.Depth);
    }

    [Fact]
    public void No_floor_is_named_while_the_outbox_still_holds_what_the_cloud_waits_for()
    {
        using var outbox = Open(Boot);
        Write(outbox, 10);
        Send(outbox);
        outbox.Confirm(Stored(Boot, 4));
        Assert.Empty(outbox.Floors());                                        // seq 5 is here, in flight: the cloud will get it
    }

    [Fact]
    public void A_floor_names_the_first_record_of_a_boot_still_held_after_a_restart()
    {
        using (var outbox = Open(Boot))
        {
            Write(outbox, 10);
            Send(outbox);
            outbox.Confirm(Stored(Boot, 6));
        }

        // Seqs 7..10 are held; the cloud says it has 1..3 only (its word is older than the cursor): nothing below 7 is left.
        using var reopened = Open(NextBoot);
        reopened.Confirm(Stored(Boot, 3));
        var floor = Assert.Single(reopened.Floors());
        Assert.Equal((Boot, 7L), (floor.Boot, floor.Seq));
    }

    [Fact]
    public void A_queue_with_too_many_records_waiting_for_the_cloud_sends_no_more_until_some_are_confirmed()
    {
        using var outbox = Open(Boot, new OutboxOptions { MaxInFlight = 32 });
        Write(outbox, 100);
        Assert.Equal(32, Send(outbox).Count);
        outbox.Confirm(Stored(Boot, 16));
        Assert.Equal(Enumerable.Range(33, 16).Select(i => (long)i), Send(outbox));
    }

    [Fact]
    public void Records_the_broker_refused_for_good_go_counted_as_dropped_instead_of_blocking_the_queue()
    {
        using var outbox = Open(Boot);
        Write(outbox, 4);
        var batch = outbox.TakeBatch(16, includeTelemetry: true)!;
        outbox.Acknowledge(batch, 4, refused: new HashSet<int> { 1 });      // seq 2 was not authorised
        outbox.Confirm(Stored(Boot, 1));
        Assert.Equal(2, outbox.Stats.Depth);                                  // 3 and 4 wait; 2 went with 1
        Assert.Equal(1, outbox.Stats.Dropped);
        var floor = Assert.Single(outbox.Floors());
        Assert.Equal(3, floor.Seq);                                           // and the cloud is told not to wait for 2
    }

    [Fact]
    public void Without_keep_until_stored_the_broker_acknowledgement_releases_records_as_before_protocol_1_2()
    {
        using var outbox = Open(Boot, new OutboxOptions { KeepUntilStored = false });
        Write(outbox, 10);
        Send(outbox);
        Assert.Equal(0, outbox.Stats.Depth);
    }
}
