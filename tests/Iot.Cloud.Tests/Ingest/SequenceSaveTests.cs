using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Tests.Ingest;

/// <summary>
/// How the sequence windows reach their rows: each batch stages the windows it changed into its save, updating a row the
/// tracker knows is there without reading it first, and inserting one that is not (new, or deleted by the retention sweep).
/// </summary>
public sealed class SequenceSaveTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly AgentId Agent = AgentId.Parse("yikang-1-a");
    private const string Boot = "boot-1";

    private readonly string _file = TestDatabases.NewSqliteFile("sequence-save");
    private readonly IngestOptions _options = new() { SequenceRetention = TimeSpan.FromDays(30) };
    private Func<CloudDb> _open = null!;

    public async Task InitializeAsync()
    {
        _open = TestDatabases.Sqlite(_file);
        await using var db = _open();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_window_saved_again_keeps_its_first_seen_time_and_carries_its_new_counts()
    {
        var tracker = new SequenceTracker(Options.Create(_options));
        await ObserveAndSaveAsync(tracker, 1, Start);
        await ObserveAndSaveAsync(tracker, 2, Start.AddHours(1));
        await ObserveAndSaveAsync(tracker, 2, Start.AddHours(2));

        var row = await RowAsync();
        Assert.Equal(Start, row.FirstSeen);
        Assert.Equal(Start.AddHours(2), row.UpdatedAt);
        Assert.Equal(2, row.Contiguous);
        Assert.Equal(2, row.Accepted);
        Assert.Equal(1, row.Duplicates);
    }

    [Fact]
    public async Task A_window_read_back_after_a_restart_is_saved_over_its_row()
    {
        await ObserveAndSaveAsync(new SequenceTracker(Options.Create(_options)), 1, Start);

        await ObserveAndSaveAsync(new SequenceTracker(Options.Create(_options)), 3, Start.AddMinutes(5));

        var row = await RowAsync();
        Assert.Equal(Start, row.FirstSeen);
        Assert.Equal(1, row.Contiguous);
        Assert.Equal(3, row.MaxSeen);
        Assert.Equal(2, row.Accepted);
    }

    [Fact]
    public async Task A_window_whose_row_the_retention_sweep_deleted_is_saved_again()
    {
        var tracker = new SequenceTracker(Options.Create(_options));
        await ObserveAndSaveAsync(tracker, 1, Start);

        // The sweep deletes what was not saved within the retention, while the window is still held in memory.
        var later = Start + _options.SequenceRetention + TimeSpan.FromDays(1);
        await using (var db = _open())
        {
            var cutoff = later - _options.SequenceRetention;
            Assert.Equal(1, await db.Sequences.Where(s => s.UpdatedAt < cutoff).ExecuteDeleteAsync());
        }

        await ObserveAndSaveAsync(tracker, 2, later);

        var row = await RowAsync();
        Assert.Equal(2, row.Contiguous);
        Assert.Equal(2, row.Accepted);
        Assert.Equal(later, row.UpdatedAt);
    }

    // One batch of the telemetry lane, as far as the windows go: load, observe, stage, save, commit.
    private async Task ObserveAndSaveAsync(SequenceTracker tracker, long seq, DateTimeOffset now)
    {
        await using var db = _open();
        await tracker.EnsureLoadedAsync(db, [(Agent, Boot)], CancellationToken.None);
        tracker.Observe(Agent, Boot, seq, now, out _);
        await tracker.StageAsync(db, now, CancellationToken.None);
        await db.SaveChangesAsync();
        tracker.Committed();
    }

    private async Task<SequenceState> RowAsync()
    {
        await using var db = _open();
        return await db.Sequences.AsNoTracking().SingleAsync();
    }
}
