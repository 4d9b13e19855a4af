using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Data;

/// <summary>
/// The unit of work the pipeline's stages share: an event reaches every stage that handles it, in the order they were
/// registered, a stage's own event reaches the stages after it in the same save, and what waits for the commit runs
/// only once the save succeeded.
/// </summary>
public sealed class WorkTests : IAsyncDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly List<string> _said = [];

    private sealed record First(string Text);

    private sealed record Second(string Text);

    private sealed class Earlier(List<string> said) : IHandles<First>
    {
        public async Task HandleAsync(First e, Work work, CancellationToken cancellationToken)
        {
            said.Add($"earlier {e.Text}");
            work.Db.AuditLog.Add(AuditEntry.Of(DateTimeOffset.UnixEpoch, "test", "test", e.Text, "first"));
            work.AfterCommit(() => said.Add($"committed {e.Text}"));
            await work.RaiseAsync(new Second(e.Text), cancellationToken);
        }
    }

    private sealed class Later(List<string> said) : IHandles<First>, IHandles<Second>
    {
        public Task HandleAsync(First e, Work work, CancellationToken cancellationToken)
        {
            said.Add($"later {e.Text}");
            return Task.CompletedTask;
        }

        public Task HandleAsync(Second e, Work work, CancellationToken cancellationToken)
        {
            said.Add($"second {e.Text}");
            work.Db.AuditLog.Add(AuditEntry.Of(DateTimeOffset.UnixEpoch, "test", "test", e.Text, "second"));
            return Task.CompletedTask;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<AsyncServiceScope> ScopeAsync()
    {
        await _connection.OpenAsync();
        var services = new ServiceCollection();
        services.AddDbContext<CloudDb, SqliteCloudDb>(o => o.UseSqlite(_connection));
        services.AddScoped<Work>();
        services.AddSingleton(new Earlier(_said));
        services.AddSingleton(new Later(_said));
        services.AddSingleton<IHandles<First>>(sp => sp.GetRequiredService<Earlier>());
        services.AddSingleton<IHandles<First>>(sp => sp.GetRequiredService<Later>());
        services.AddSingleton<IHandles<Second>>(sp => sp.GetRequiredService<Later>());
        var scope = services.BuildServiceProvider().CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CloudDb>().Database.MigrateAsync();
        return scope;
    }

    [Fact]
    public async Task Every_stage_hears_the_event_in_order_and_the_commit_is_told_after_the_save()
    {
        await using var scope = await ScopeAsync();
        var work = scope.ServiceProvider.GetRequiredService<Work>();

        await work.RaiseAsync(new First("a"), CancellationToken.None);
        Assert.Equal(["earlier a", "second a", "later a"], _said);   // nothing committed yet

        await work.SaveAsync(CancellationToken.None);
        Assert.Equal(["earlier a", "second a", "later a", "committed a"], _said);
        Assert.Equal(["first", "second"], await work.Db.AuditLog.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task A_save_that_fails_tells_no_one_it_committed()
    {
        await using var scope = await ScopeAsync();
        var work = scope.ServiceProvider.GetRequiredService<Work>();
        await work.RaiseAsync(new First("b"), CancellationToken.None);
        work.Db.AuditLog.Add(new AuditEntry { Actor = null!, Entity = "test", EntityId = "b", Action = "broken" }); // NOT NULL column

        await Assert.ThrowsAsync<DbUpdateException>(() => work.SaveAsync(CancellationToken.None));
        Assert.DoesNotContain("committed b", _said);
    }
}
