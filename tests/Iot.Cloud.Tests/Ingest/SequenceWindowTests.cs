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
    public void Holes_that_open_after_the_window_caught_up_are_tracked_again()
    {
        // In order, then a hole filled (the window catches up and drops its bitmap), then holes again past the ring's end.
        var w = new SequenceWindow();
        for (var seq = 1; seq <= 10; seq++)
        {
            w.Observe(seq);
        }

        Assert.Equal(SeqVerdict.New, w.Observe(12));
        Assert.Equal(SeqVerdict.New, w.Observe(11));
        Assert.Equal(12, w.Contiguous);
        for (var seq = 13; seq <= SequenceWindow.Width + 20; seq++)
        {
            w.Observe(seq);
        }

        Assert.Equal(SeqVerdict.New, w.Observe(SequenceWindow.Width + 23));
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(SequenceWindow.Width + 23));
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(SequenceWindow.Width + 20));
        Assert.Equal(2, w.Missing);
        Assert.Equal(SeqVerdict.New, w.Observe(SequenceWindow.Width + 22));
        Assert.Equal(SeqVerdict.New, w.Observe(SequenceWindow.Width + 21));
        Assert.Equal(SequenceWindow.Width + 23, w.Contiguous);
        Assert.Equal(0, w.Missing);
        Assert.Equal(0, w.Lost);
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
    [Fact]
    public void A_floor_gives_up_the_missing_seqs_below_it_counts_them_lost_and_moves_the_watermark()
    {
        var w = new SequenceWindow();
        foreach (var seq in new[] { 1, 2, 4, 6, 7 })
        {
            w.Observe(seq);
        }

        Assert.Equal(1, w.GiveUpBelow(4));
        Assert.Equal((4L, 7L, 1L), (w.Contiguous, w.MaxSeen, w.Lost));

        // 5 is still awaited: a floor of 6 gives it up, and what arrived above (6, 7) carries the watermark on.
        Assert.Equal(1, w.GiveUpBelow(6));
        Assert.Equal((7L, 2L, 0L), (w.Contiguous, w.Lost, w.Missing));
        Assert.Equal(SeqVerdict.New, w.Observe(8));
    }

    [Fact]
    public void A_floor_at_or_below_the_watermark_changes_nothing()
    {
        var w = new SequenceWindow();
        foreach (var seq in new[] { 1, 2, 3, 5 })
        {
            w.Observe(seq);
        }

        Assert.Equal(0, w.GiveUpBelow(4));
        Assert.Equal(0, w.GiveUpBelow(1));
        Assert.Equal(0, w.GiveUpBelow(-7));
        Assert.Equal((3L, 5L, 0L, 1L), (w.Contiguous, w.MaxSeen, w.Lost, w.Missing));
        Assert.Equal(SeqVerdict.New, w.Observe(4));
    }

    [Fact]
    public void A_floor_far_above_the_window_gives_up_no_more_than_what_has_arrived()
    {
        var w = new SequenceWindow();
        w.Observe(1);
        w.Observe(3);
        w.Observe(5_000);

        // The agent's word for seqs the cloud has not even heard of yet is not taken: the window moves to MaxSeen, no further.
        Assert.Equal(5_000 - 3, w.GiveUpBelow(1_000_000_000));
        Assert.Equal((5_000L, 5_000L, 4_997L, 0L), (w.Contiguous, w.MaxSeen, w.Lost, w.Missing));
        Assert.Equal(SeqVerdict.New, w.Observe(5_001));
        Assert.Equal(SeqVerdict.New, w.Observe(9_000_000));
        Assert.Equal(SeqVerdict.Duplicate, w.Observe(4_000));
    }

    [Fact]
    public void A_floor_on_an_empty_window_changes_nothing()
    {
        var w = new SequenceWindow();
        Assert.Equal(0, w.GiveUpBelow(50));
        Assert.Equal((0L, 0L, 0L), (w.Contiguous, w.MaxSeen, w.Lost));
        Assert.Equal(SeqVerdict.New, w.Observe(1));
    }

    [Fact]
    public void A_floor_survives_persisting_and_restoring()
    {
        var w = new SequenceWindow();
        foreach (var seq in new[] { 1, 5, 9 })
        {
            w.Observe(seq);
        }

        w.GiveUpBelow(5);
        var restored = SequenceWindow.Restore(w.Contiguous, w.MaxSeen, w.Lost, w.SeenAboveBitmap());
        Assert.Equal((5L, 9L, 3L, 3L), (restored.Contiguous, restored.MaxSeen, restored.Lost, restored.Missing));
        Assert.Equal(SeqVerdict.Duplicate, restored.Observe(9));
    }
}
