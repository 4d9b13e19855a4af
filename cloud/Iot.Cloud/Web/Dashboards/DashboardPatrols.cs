using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Patrols;
using Iot.Cloud.Sites;
using Iot.Cloud.Volunteers;
using Iot.Cloud.Web.Localization;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>Block patrols of a period for the dashboard: rows named for people, per party and per block.</summary>
public sealed record PatrolWeek(IReadOnlyList<(string Name, PatrolFigures Figures)> ByParty, IReadOnlyList<(string Name, PatrolFigures Figures)> ByBlock);

/// <summary>The dashboard's patrol and volunteer sections, from <see cref="PatrolRecord"/> and <see cref="VolunteerRecord"/>.</summary>
public sealed class DashboardPatrols(CloudDb db, PatrolRecord record, VolunteerRecord volunteers, SiteRegistry registry, Lang lang, TimeProvider time)
{
    public async Task<PatrolWeek> WeekAsync(AccessScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var places = new Places(registry, lang);
        var byParty = await record.ComputeAsync(db, from, to, byBlock: false, c => scope.Courtyard(c), null, cancellationToken);
        var byBlock = await record.ComputeAsync(db, from, to, byBlock: true, c => scope.Courtyard(c), null, cancellationToken);
        return new PatrolWeek([.. byParty.Select(f => (places.Party(f.Key), f))], [.. byBlock.Select(f => (places.Block(f.Key), f))]);
    }

    /// <summary>This calendar month (site time) of the volunteers in the scope's communities.</summary>
    public Task<VolunteerMonth> VolunteersAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        var today = lang.Local(time.GetUtcNow());
        var first = new DateOnly(today.Year, today.Month, 1);
        return volunteers.MonthAsync(scope, lang.StartOf(first), lang.StartOf(first.AddMonths(1)), cancellationToken);
    }
}
