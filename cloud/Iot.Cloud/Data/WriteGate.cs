namespace Iot.Cloud.Data;

/// <summary>Who is asking to write: an alarm's path, or bulk telemetry that can wait a few milliseconds.</summary>
public enum WriteLane
{
    /// <summary>The event lane and the rules: a forced gate's alert waits on these.</summary>
    Urgent,

    /// <summary>The telemetry lane's batch commits.</summary>
    Bulk,
}

/// <summary>
/// Takes turns at SQLite's one write lock inside the process, alarms first. SQLite lets one transaction write at a time;
/// a writer that meets another sleeps in SQLite's busy handler, which blocks a thread-pool thread and wakes on its own
/// schedule (1, 2, 5 ... 100 ms), so an event's one-row save behind a telemetry commit of 40 ms came back after 53 ms,
/// and could then lose the lock to the next telemetry commit. Writers that take a turn here wait without a thread, start
/// the moment the lock is free, and an urgent writer goes before waiting bulk ones (but never more than
/// <see cref="UrgentInARow"/> times in a row while bulk waits, so an alarm storm cannot stall telemetry). Writers that
/// take no turn (the web, notifications, retention) still meet SQLite's busy handler, as before. On PostgreSQL, which
/// locks rows and not the file, and whose instances share no process, every turn is granted at once.
/// </summary>
public sealed class WriteGate
{
    /// <summary>How many urgent writers may go before a waiting bulk writer.</summary>
    public const int UrgentInARow = 8;

    private readonly bool _enabled;
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _urgent = [];
    private readonly LinkedList<TaskCompletionSource> _bulk = [];
    private bool _held;
    private int _urgentInARow;

    /// <summary>A gate that orders writers (<paramref name="enabled"/>: SQLite), or grants every turn at once.</summary>
    public WriteGate(bool enabled = true) => _enabled = enabled;

    /// <summary>Waits for this writer's turn; dispose the turn when the transaction has committed or rolled back.</summary>
    public async ValueTask<Turn> EnterAsync(WriteLane lane, CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return default;
        }

        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                _urgentInARow = lane == WriteLane.Urgent ? 1 : 0;
                return new Turn(this);
            }

            node = (lane == WriteLane.Urgent ? _urgent : _bulk).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        // A waiter cancelled before its turn leaves the queue; once handed the turn it holds it, and disposes it as usual.
        await using (cancellationToken.Register(() => Abandon(node, cancellationToken)))
        {
            await node.Value.Task.ConfigureAwait(false);
        }

        return new Turn(this);
    }

    private void Abandon(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (node.List is not { } queue)
            {
                return;
            }

            queue.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    private void Release()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            var urgentFirst = _urgent.Count > 0 && (_bulk.Count == 0 || _urgentInARow < UrgentInARow);
            var queue = urgentFirst ? _urgent : _bulk;
            if (queue.First is not { } first)
            {
                _held = false;
                _urgentInARow = 0;
                return;
            }

            _urgentInARow = urgentFirst ? _urgentInARow + 1 : 0;
            queue.RemoveFirst();
            next = first.Value;
        }

        next.SetResult();
    }

    /// <summary>One writer's turn; disposing it hands the turn to the next waiting writer.</summary>
    public readonly struct Turn : IDisposable
    {
        private readonly WriteGate? _gate;

        internal Turn(WriteGate gate) => _gate = gate;

        public void Dispose() => _gate?.Release();
    }
}
