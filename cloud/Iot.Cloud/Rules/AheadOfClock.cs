using Iot.Cloud.Ingest;
using Iot.Cloud.TimeSeries;

namespace Iot.Cloud.Rules;

/// <summary>
/// Readings and events placed later than business time, held until business time reaches them, so that the rules see
/// them in the order they happened and what follows an alert (its work order, the order's service level) starts at the
/// alert's time. Only a business clock that runs behind the wall clock on purpose (<see cref="Operations.LaggingClock"/>,
/// a demo replaying its past week) lets ingest store such; otherwise ingest refuses anything past the clock's skew, and
/// nothing is ever held here.
/// </summary>
public sealed class AheadOfClock
{
    // By time, then arrival (so what came at the same time keeps its order). A queue, not a list scanned at every
    // release: a replayed week holds the fast agents' readings, a million or more, and the rules release at every batch.
    private readonly PriorityQueue<StoredReading, (DateTimeOffset, long)> _readings = new();
    private readonly PriorityQueue<DeviceEventRecord, (DateTimeOffset, long)> _events = new();
    private long _arrived;

    /// <summary>Readings and events held.</summary>
    public int Count => _readings.Count + _events.Count;

    /// <summary>
    /// <paramref name="inputs"/> without what lies after <paramref name="until"/> (held), preceded by what was held and is
    /// now due, in time order. Returns <paramref name="inputs"/> itself when nothing is held or to hold.
    /// </summary>
    public IReadOnlyList<StoredBatch> Release(IReadOnlyList<StoredBatch> inputs, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Count == 0 && inputs.All(b => b.Readings.All(r => r.At <= until) && b.Events.All(e => e.At <= until)))
        {
            return inputs;
        }

        var released = new List<StoredBatch>(inputs.Count + 1);
        var dueReadings = Due(_readings, until);
        var dueEvents = Due(_events, until);
        if (dueReadings.Count > 0 || dueEvents.Count > 0)
        {
            released.Add(new StoredBatch(dueReadings, dueEvents, []));
        }

        foreach (var batch in inputs)
        {
            foreach (var r in batch.Readings.Where(r => r.At > until))
            {
                _readings.Enqueue(r, (r.At, _arrived++));
            }

            foreach (var e in batch.Events.Where(e => e.At > until))
            {
                _events.Enqueue(e, (e.At, _arrived++));
            }

            released.Add(batch with { Readings = [.. batch.Readings.Where(r => r.At <= until)], Events = [.. batch.Events.Where(e => e.At <= until)] });
        }

        return released;
    }

    private static List<T> Due<T>(PriorityQueue<T, (DateTimeOffset At, long)> held, DateTimeOffset until)
    {
        var due = new List<T>();
        while (held.TryPeek(out _, out var key) && key.At <= until)
        {
            due.Add(held.Dequeue());
        }

        return due;
    }
}
