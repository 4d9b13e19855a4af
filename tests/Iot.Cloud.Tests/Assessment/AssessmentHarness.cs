using Iot.Cloud.Assessment;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Assessment;

/// <summary>
/// The assessment on a real, migrated database (SQLite or PostgreSQL) with the sample site registered and a fake clock:
/// the service the cloud runs (with the real patrol record), driven the way the API and the sweep drive it.
/// </summary>
public sealed class AssessmentHarness : IAsyncDisposable
{
    private readonly Func<CloudDb> _open;

    private AssessmentHarness(Func<CloudDb> open, FakeTimeProvider clock)
    {
        _open = open;
        Clock = clock;
        var registry = new SiteRegistry();
        registry.Publish(SampleSite.Registry, clock.GetUtcNow());
        Service = new AssessmentService(clock, registry, new Iot.Cloud.Patrols.PatrolRecord(registry));
    }

    public FakeTimeProvider Clock { get; }

    public AssessmentService Service { get; }

    public static async Task<AssessmentHarness> StartAsync(Func<CloudDb> open, DateTimeOffset start)
    {
        var harness = new AssessmentHarness(open, new FakeTimeProvider(start));
        await using var db = open();
        await db.Database.MigrateAsync();
        await RegistryWriter.WriteAsync(db, SampleSite.Registry, start, CancellationToken.None);
        return harness;
    }

    /// <summary>A fresh context, as each request gets; the caller disposes it.</summary>
    public CloudDb Db() => _open();

    /// <summary>Runs <paramref name="work"/> in a fresh context and saves, as one request does.</summary>
    public async Task<T> DoAsync<T>(Func<CloudDb, Task<T>> work)
    {
        await using var db = _open();
        var result = await work(db);
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>The committee scores a month and signs it off, as two requests.</summary>
    public async Task<SignOff> ScoreAndSignAsync(string party, DateOnly month, int committeeScore, string? remarks = null)
    {
        await DoAsync(db => Service.ScoreAsync(db, party, month, committeeScore, remarks, "yikang-zhang", CancellationToken.None));
        return await DoAsync(db => Service.SignAsync(db, party, month, "yikang-zhang", CancellationToken.None));
    }

    /// <summary>Thresholds that make a party without orders (70 record points) 不合格 unscored and 需整改 at a committee score of 50 (85).</summary>
    public Task StrictThresholdsAsync() =>
        DoAsync(db => Service.SetThresholdsAsync(db, new GradeThresholds { Excellent = 99, Satisfactory = 98, NeedsRectification = 80, NoticeDays = 30 }, "street-chen", CancellationToken.None));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
