using Iot.Cloud.Assessment;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.Web.Localization;
using Iot.Cloud.Web.Orders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Web.Dashboards;

/// <summary>
/// What the assessment pages show, within the reader's scope: sheets by party and month (the trend), open notices,
/// exit reviews; and, for the public page, the signed grades of every assessed party (never the remarks).
/// </summary>
public sealed class AssessmentBoard(CloudDb db, AccessScope scope, SiteRegistry registry, AssessmentService assessment, Lang lang)
{
    /// <summary>The last month that has ended in the site's calendar: the one the committee assesses now.</summary>
    public DateOnly LastMonth => assessment.ThisMonth.AddMonths(-1);

    /// <summary>The assessed parties the reader may see.</summary>
    public IReadOnlyList<(string Id, string Name)> Parties => [.. scope.AssessedParties(registry.Site).Select(p => (p.Id.Value, p.Name))];

    /// <summary>Each party's sheets for the <paramref name="count"/> months up to <paramref name="last"/>, oldest first.</summary>
    public Task<List<PartyMonths>> MonthsAsync(DateOnly last, int count, CancellationToken ct) => LoadAsync(Parties, last, count, signedOnly: false, ct);

    /// <summary>The public view: every assessed party's signed grades (no remarks, no committee score) for the months up to the last one.</summary>
    public Task<List<PartyMonths>> PublicGradesAsync(int count, CancellationToken ct) =>
        LoadAsync([.. AccessScope.Everything.AssessedParties(registry.Site).Select(p => (p.Id.Value, p.Name))], LastMonth, count, signedOnly: true, ct);

    /// <summary>Open rectification notices of the parties in scope, with their items.</summary>
    public async Task<List<(RectificationNotice Notice, string PartyName)>> OpenNoticesAsync(CancellationToken ct)
    {
        var names = Parties.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        var ids = names.Keys.ToArray();
        var notices = await db.RectificationNotices.AsNoTracking().Include(n => n.Items).Where(n => n.ClosedAt == null && ids.Contains(n.PartyId)).OrderBy(n => n.Deadline).ToListAsync(ct);
        return [.. notices.Select(n => (n, names[n.PartyId]))];
    }

    /// <summary>Exit reviews, newest first: the street office's only.</summary>
    public async Task<List<(ExitReview Review, string PartyName)>> ExitReviewsAsync(CancellationToken ct)
    {
        if (!scope.SeesEverything)
        {
            return [];
        }

        var names = Parties.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        var reviews = await db.ExitReviews.AsNoTracking().OrderByDescending(r => r.Id).Take(100).ToListAsync(ct);
        return [.. reviews.Select(r => (r, names.GetValueOrDefault(r.PartyId, r.PartyId)))];
    }

    /// <summary>People by name (who signed, answered, decided), never by account id.</summary>
    public Task<OrderWords> WordsAsync(CancellationToken ct) => OrderWords.LoadAsync(db, lang, registry, ct);

    public Task<GradeThresholds> ThresholdsAsync(CancellationToken ct) => AssessmentService.ThresholdsAsync(db, ct);

    private async Task<List<PartyMonths>> LoadAsync(IReadOnlyList<(string Id, string Name)> parties, DateOnly last, int count, bool signedOnly, CancellationToken ct)
    {
        var first = last.AddMonths(1 - count);
        var ids = parties.Select(p => p.Id).ToArray();
        var sheets = await db.AssessmentSheets.AsNoTracking()
            .Where(s => ids.Contains(s.PartyId) && s.Month >= first && s.Month <= last && (!signedOnly || s.SignedAt != null)).ToListAsync(ct);
        var months = Enumerable.Range(0, count).Select(first.AddMonths).ToList();
        return [.. parties.Select(p => new PartyMonths(p.Id, p.Name, months, sheets.Where(s => s.PartyId == p.Id).ToDictionary(s => s.Month)))];
    }
}

/// <summary>One party's sheets by month (a month without a sheet is missing from <see cref="Sheets"/>).</summary>
public sealed record PartyMonths(string Id, string Name, IReadOnlyList<DateOnly> Months, IReadOnlyDictionary<DateOnly, AssessmentSheet> Sheets);
