using Iot.Cloud.Ingest;

namespace Iot.Cloud.Tests.Ingest;

public class SequenceWindowTests
{
    [Fact]
    public void In_order_messages_are_new_and_move_the_watermark()
    {
        var w = new SequenceWindow();
        for (var seq = 1; seq <= 100; seq++)
        {
            Assert.Equal(SeqVerdict.New, w.Observe(seq));
        }

        Assert.Equal(100, w.Contiguous);
        Assert.Equal(0, w.Missing);
    }

    [Fact]
    public void A_redelivered_message_is_a_duplicate_below_and_above_the_watermark()
    {
        var w = new SequenceWindow();
        w.Observe(1);
        w.Observe(2);
        w.Observe(5);
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(2));
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(5));
    }

    [Fact]
    public void Out_of_order_arrivals_fill_the_holes()
    {
        var w = new SequenceWindow();
        foreach (var seq in new[] { 3, 1, 5, 4 })
        {
            Assert.Equal(SeqVerdict.New, w.Observe(seq));
        }

        Assert.Equal(1, w.Contiguous);
        Assert.Equal(1, w.Missing);
        Assert.Equal(SeqVerdict.New, w.Observe(2));
        Assert.Equal(5, w.Contiguous);
        Assert.Equal(0, w.Missing);
    }

    [Fact]
    public void A_hole_that_the_window_moves_past_is_counted_as_lost()
    {
        var w = new SequenceWindow();
        w.Observe(1);
        w.Observe(3);
        Assert.Equal(SeqVerdict.New, w.Observe(3 + SequenceWindow.Width));

        Assert.Equal(1, w.Lost);
        Assert.True(w.Contiguous >= 3);
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(2));
    }

    [Fact]
    public void A_jump_far_ahead_counts_everything_skipped_as_lost()
    {
        var w = new SequenceWindow();
        w.Observe(1);
        w.Observe(1_000_000);
        // Seqs 2 .. 1,000,000 - Width never came and are out of the window now.
        Assert.Equal(1_000_000 - 1 - SequenceWindow.Width, w.Lost);
        Assert.Equal(SequenceWindow.Width - 1, w.Missing);
    }

    [Fact]
    public void A_restored_window_still_recognises_what_it_saw()
    {
        var w = new SequenceWindow();
        foreach (var seq in new[] { 1, 2, 3, 7, 9 })
        {
            w.Observe(seq);
        }

        var restored = SequenceWindow.Restore(w.Contiguous, w.MaxSeen, w.Lost, w.SeenAboveBitmap());

        Assert.Equal(SeqVerdict.Duplicate, restored.Observe(3));
        Assert.Equal(SeqVerdict.Duplicate, restored.Observe(7));
        Assert.Equal(SeqVerdict.Duplicate, restored.Observe(9));
        Assert.Equal(SeqVerdict.New, restored.Observe(8));
        Assert.Equal(3, restored.Missing);
    }

    [Fact]
    public void Memory_stays_bounded_over_a_long_run()
    {
        var w = new SequenceWindow();
        for (var seq = 1; seq <= 200_000; seq += 2)
        {
            w.Observe(seq);
        }

        Assert.True(w.SeenAboveBitmap().Length <= SequenceWindow.Width / 8);
        Assert.True(w.Lost > 0);
    }
}
