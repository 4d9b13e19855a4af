using Iot.Cloud.Data;

namespace Iot.Cloud.Tests.Data;

/// <summary>Turns at SQLite's write lock: one writer at a time, an alarm's writers before waiting telemetry, never starving telemetry.</summary>
public sealed class WriteGateTests
{
    [Fact]
    public async Task A_writer_waits_for_the_one_before_it_and_starts_when_it_is_done()
    {
        var gate = new WriteGate();
        var first = await gate.EnterAsync(WriteLane.Bulk, CancellationToken.None);
        var second = gate.EnterAsync(WriteLane.Urgent, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
        Assert.True(GrantedAtOnce(gate, WriteLane.Bulk), "the gate is free again");
    }

    [Fact]
    public async Task An_urgent_writer_goes_before_bulk_writers_that_waited_longer()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync(WriteLane.Bulk, CancellationToken.None);
        var order = new List<string>();
        var bulk = Track(gate, WriteLane.Bulk, "bulk", order);
        var urgent = Track(gate, WriteLane.Urgent, "urgent", order);

        holder.Dispose();
        await Task.WhenAll(bulk, urgent);
        Assert.Equal(["urgent", "bulk"], order);
    }

    [Fact]
    public async Task Bulk_gets_its_turn_after_a_run_of_urgent_writers()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync(WriteLane.Urgent, CancellationToken.None);
        var order = new List<string>();
        var waiting = new List<Task> { Track(gate, WriteLane.Bulk, "bulk", order) };
        for (var i = 0; i < WriteGate.UrgentInARow + 2; i++)
        {
            waiting.Add(Track(gate, WriteLane.Urgent, "urgent", order));
        }

        holder.Dispose();
        await Task.WhenAll(waiting);

        // The holder was the first urgent writer of the run.
        Assert.Equal(WriteGate.UrgentInARow - 1, order.IndexOf("bulk"));
        Assert.Equal(WriteGate.UrgentInARow + 3, order.Count);
    }

    [Fact]
    public async Task A_writer_cancelled_while_waiting_leaves_the_queue_and_the_turn_passes_on()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync(WriteLane.Bulk, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(WriteLane.Urgent, cancel.Token).AsTask();
        var next = gate.EnterAsync(WriteLane.Bulk, CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);

        holder.Dispose();
        (await next).Dispose();
        Assert.True(GrantedAtOnce(gate, WriteLane.Urgent), "nothing is left holding the gate");
    }

    [Fact]
    public void Without_ordering_every_turn_is_granted_at_once()
    {
        var gate = new WriteGate(enabled: false);
        Assert.True(GrantedAtOnce(gate, WriteLane.Bulk));
        Assert.True(GrantedAtOnce(gate, WriteLane.Urgent));
    }

    private static bool GrantedAtOnce(WriteGate gate, WriteLane lane) =>
        gate.EnterAsync(lane, CancellationToken.None).AsTask().IsCompletedSuccessfully;

    private static async Task Track(WriteGate gate, WriteLane lane, string name, List<string> order)
    {
        using (await gate.EnterAsync(lane, CancellationToken.None))
        {
            lock (order)
            {
                order.Add(name);
            }

            // Held across a real await, as a transaction is.
            await Task.Yield();
        }
    }
}
