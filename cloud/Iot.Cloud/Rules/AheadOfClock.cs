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
    private readonly List<StoredReading> _readings = [];
    private readonly List<DeviceEventRecord> _events = [];

    /// <summary>Readings and events held.</summary>
    public int Count => _readings.Count + _events.Count;

    /// <summary>
    /// <paramref name="inputs"/> without what lies after <paramref name="until"/> (held), preceded by what was held and is
    /// now due. Returns <paramref name="inputs"/> itself when nothing is held or to hold.
    /// </summary>
    public IReadOnlyList<StoredBatch> Release(IReadOnlyList<StoredBatch> inputs, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Count == 0 && inputs.All(b => b.Readings.All(r => r.At <= until) && b.Events.All(e => e.At <= until)))
        {
            return inputs;
        }

        var released = new List<StoredBatch>(inputs.Count + 1);
        var dueReadings = Take(_readings, r => r.At <= until).OrderBy(r => r.At).ToList();
        var dueEvents = Take(_events, e => e.At <= until).OrderBy(e => e.At).ToList();
        if (dueReadings.Count > 0 || dueEvents.Count > 0)
        {
            released.Add(new StoredBatch(dueReadings, dueEvents, []));
        }

        foreach (var batch in inputs)
        {
            _readings.AddRange(batch.Readings.Where(r => r.At > until));
            _events.AddRange(batch.Events.Where(e => e.At > until));
            released.Add(batch with { Readings = [.. batch.Readings.Where(r => r.At <= until)], Events = [.. batch.Events.Where(e => e.At <= until)] });
        }

        return released;
    }

    private static List<T> Take<T>(List<T> from, Predicate<T> due)
    {
        var taken = from.FindAll(due);
        from.RemoveAll(due);
        return taken;
    }
}
