using System.Text;
using Iot.Protocol.Messages;
using Iot.Testing;

namespace Iot.EndToEnd.Tests.Faults.Support;

/// <summary>
/// Squares what the agents handed to the broker (the witness) with what the stores hold: per (agent, boot) the data
/// seqs must run 1..N without a hole, the cloud must have accepted each once, and every reading of every telemetry
/// message must be in the time-series store exactly once.
/// </summary>
public sealed class Ledger
{
    private readonly List<string> _problems = [];

    private Ledger(IReadOnlyList<Witnessed> data)
    {
        First = data.GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value, w.Message.Seq)).Select(g => g.First()).ToList();
        Boots = First.GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value))
            .ToDictionary(g => g.Key, g => g.Select(w => w.Message.Seq).Order().ToList());
        Expected = First.Where(w => w.Message is TelemetryBatch).SelectMany(w => ((TelemetryBatch)w.Message).Readings.Select(r =>
                new ReadingKey(w.Message.Agent.Value, r.Sensor.Value, r.At is { } at ? at.ToUnixTimeMilliseconds() : -1)))
            .ToHashSet();
    }

    /// <summary>Each data message the first time it was seen.</summary>
    public IReadOnlyList<Witnessed> First { get; }

    /// <summary>Per (agent, boot), the distinct seqs seen, in order.</summary>
    public IReadOnlyDictionary<(string Agent, string Boot), List<long>> Boots { get; }

    /// <summary>The readings the agents sent (wall-clock stamped).</summary>
    public IReadOnlySet<ReadingKey> Expected { get; }

    /// <summary>Readings sent.</summary>
    public long Sent => Expected.Count;

    /// <summary>Readings stored.</summary>
    public long Stored { get; private set; }

    /// <summary>Readings sent but not stored.</summary>
    public long Lost { get; private set; }

    /// <summary>Readings or events stored more than once, and messages accepted more than once.</summary>
    public long Duplicated { get; private set; }

    /// <summary>Everything that did not square, for the failure message.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>What the witness saw sent, each data message once.</summary>
    public sealed class SentMessages(Witness witness)
    {
        /// <summary>Telemetry messages, each once, with the readings as sent (wall-clock or boot-relative stamps).</summary>
        public IReadOnlyList<(TelemetryBatch Batch, int Connection)> Telemetry { get; } =
            [.. witness.Data.Where(w => w.Message is TelemetryBatch).GroupBy(w => (w.Message.Agent.Value, w.Message.Boot.Value, w.Message.Seq))
                .Select(g => ((TelemetryBatch)g.First().Message, g.First().Connection))];
    }

    /// <summary>Squares <paramref name="witness"/>'s data messages with the cloud's sequences and the store's contents.</summary>
    public static Ledger Square(Witness witness, IReadOnlyList<SequenceFigures> sequences, IReadOnlySet<ReadingKey> stored, long rawRows, long? aggregated,
        IReadOnlyList<(string Agent, string Boot, long Seq)>? events = null)
    {
        ArgumentNullException.ThrowIfNull(witness);
        var ledger = new Ledger(witness.Data);
        ledger.Check(sequences, stored, rawRows, aggregated, events);
        return ledger;
    }

    /// <summary>
    /// Squares <paramref name="witness"/> with what <paramref name="cloud"/> (SQLite, its files in <paramref name="folder"/>)
    /// accepted and stored; also returns the store's contents and the cloud's sequences for further checks.
    /// </summary>
    public static async Task<(Ledger Ledger, StoreContents Store, IReadOnlyList<SequenceFigures> Sequences)> SquareSqliteAsync(Witness witness, CloudUnderTest cloud, string folder)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var store = await StoredReadings.FromSqliteAsync(cloud.TimeSeriesFile, Path.Combine(folder, "cloud.db"));
        var sequences = await cloud.SequencesAsync();
        return (Square(witness, sequences, store.Readings, store.RawRows, store.AggregatedCount, store.Events), store, sequences);
    }

    /// <summary>Writes the test's line to test-results/reliability.tsv.</summary>
    public void Record(string test, int faults) => ReliabilityLog.Record(test, faults, Sent, Stored, Lost, Duplicated);

    /// <summary>Fails with every problem found.</summary>
    public void AssertNothingLostOrDuplicated(string context)
    {
        var summary = new StringBuilder($"{context}: sent {Sent}, stored {Stored}, lost {Lost}, duplicated {Duplicated}");
        foreach (var problem in _problems.Take(30))
        {
            summary.Append("\n  ").Append(problem);
        }

        Assert.True(_problems.Count == 0 && Lost == 0 && Duplicated == 0, summary.ToString());
    }

    /// <summary>
    /// Order: on each connection of the witness, within each agent's boot and outbox queue, messages seen for the first
    /// time arrive in seq order (redeliveries of older ones may come in between).
    /// </summary>
    public static IReadOnlyList<string> OrderProblems(Witness witness)
    {
        ArgumentNullException.ThrowIfNull(witness);
        var problems = new List<string>();
        var seen = new HashSet<(string, string, long)>();
        var last = new Dictionary<(int, string, string, Iot.Edge.Outbox.OutboxPriority), long>();
        foreach (var w in witness.Data)
        {
            if (!seen.Add((w.Message.Agent.Value, w.Message.Boot.Value, w.Message.Seq)))
            {
                continue;
            }

            var key = (w.Connection, w.Message.Agent.Value, w.Message.Boot.Value, w.Queue);
            if (last.TryGetValue(key, out var previous) && w.Message.Seq < previous)
            {
                problems.Add($"{w.Message.Agent}/{w.Message.Boot} {w.Queue}: seq {w.Message.Seq} arrived after {previous} on connection {w.Connection}");
            }

            last[key] = Math.Max(previous, w.Message.Seq);
        }

        return problems;
    }

    private void Check(IReadOnlyList<SequenceFigures> sequences, IReadOnlySet<ReadingKey> stored, long rawRows, long? aggregated, IReadOnlyList<(string Agent, string Boot, long Seq)>? events)
    {
        if (Expected.Any(k => k.AtMs < 0))
        {
            _problems.Add("some witnessed readings carry boot-relative times; this ledger squares wall-clock readings only");
        }

        foreach (var ((agent, boot), seqs) in Boots)
        {
            // The agent's outbox hands out seqs 1, 2, 3...: a hole here is a record the broker never acknowledged.
            if (seqs[0] != 1 || seqs[^1] != seqs.Count)
            {
                _problems.Add($"{agent}/{boot}: the broker has seqs {seqs[0]}..{seqs[^1]} with {seqs[^1] - seqs[0] + 1 - seqs.Count} missing");
            }

            var cloud = sequences.FirstOrDefault(s => s.Agent == agent && s.Boot == boot);
            if (cloud is null)
            {
                _problems.Add($"{agent}/{boot}: unknown to the cloud");
                continue;
            }

            if (cloud.Contiguous != seqs[^1] || cloud.Missing != 0 || cloud.Lost != 0)
            {
                _problems.Add($"{agent}/{boot}: the cloud has {cloud.Contiguous} contiguous of {seqs[^1]}, {cloud.Missing} missing, {cloud.Lost} counted lost");
            }

            if (cloud.Accepted != seqs.Count)
            {
                _problems.Add($"{agent}/{boot}: the cloud accepted {cloud.Accepted} messages of {seqs.Count}");
                Duplicated += Math.Max(0, cloud.Accepted - seqs.Count);
            }
        }

        var mine = stored.Where(k => Boots.Keys.Any(b => b.Agent == k.Agent)).ToHashSet();
        Stored = mine.Count;
        Lost = Expected.Count(k => !mine.Contains(k));
        var unsent = mine.Count(k => !Expected.Contains(k));
        if (unsent > 0)
        {
            _problems.Add($"{unsent} stored readings were never sent");
        }

        Duplicated += unsent + Math.Max(0, rawRows - stored.Count) + (aggregated is { } counted ? Math.Max(0, counted - rawRows) : 0);
        if (aggregated is { } a && a != rawRows)
        {
            _problems.Add($"the minute rollups count {a} readings for {rawRows} raw rows");
        }

        if (events is not null)
        {
            var twice = events.GroupBy(e => e).Where(g => g.Count() > 1).ToList();
            Duplicated += twice.Sum(g => g.Count() - 1);
            foreach (var g in twice.Take(5))
            {
                _problems.Add($"event {g.Key.Agent}/{g.Key.Boot}#{g.Key.Seq} stored {g.Count()} times");
            }

            var sentEvents = First.Where(w => w.Message is DeviceEvent).Select(w => (w.Message.Agent.Value, w.Message.Boot.Value, w.Message.Seq)).ToHashSet();
            var missing = sentEvents.Count(e => !events.Contains(e));
            if (missing > 0)
            {
                _problems.Add($"{missing} of {sentEvents.Count} events sent are not stored");
            }
        }

        if (Lost > 0)
        {
            var sample = Expected.Where(k => !mine.Contains(k)).Take(5).Select(k => $"{k.Agent} {k.Sensor} @{DateTimeOffset.FromUnixTimeMilliseconds(k.AtMs):O}");
            _problems.Add($"not stored, for example: {string.Join("; ", sample)}");
        }
    }
}
