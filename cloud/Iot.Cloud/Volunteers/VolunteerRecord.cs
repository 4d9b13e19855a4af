using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Patrols;
using Iot.Cloud.WorkOrders;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Volunteers;

/// <summary>What one volunteer or building head did in a month.</summary>
/// <param name="UserName">The account.</param>
/// <param name="DisplayName">The name shown.</param>
/// <param name="Role">Volunteer or building head.</param>
/// <param name="Community">Their community.</param>
/// <param name="Block">A building head's block.</param>
/// <param name="TeamId">Their team, if any.</param>
/// <param name="Disabled">Whether the account is disabled.</param>
/// <param name="Rounds">Patrol rounds walked in the month.</param>
/// <param name="Findings">Problems found on them.</param>
/// <param name="Confirmations">Repairs they confirmed in the month.</param>
public sealed record HelperMonth(string UserName, string DisplayName, StaffRole Role, string Community, string? Block, long? TeamId, bool Disabled, int Rounds, int Findings, int Confirmations);

/// <summary>A team's month: its members' work added up.</summary>
public sealed record TeamMonth(long Id, string Name, string Community, int Members, int Rounds, int Findings, int Confirmations);

/// <summary>The month of a community's volunteers, for its recognition (the dashboard and the volunteers page).</summary>
public sealed record VolunteerMonth(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TeamMonth> Teams, IReadOnlyList<HelperMonth> Helpers);

/// <summary>
/// Counts the volunteers' and building heads' rounds, findings and confirmed repairs per month, per person and per team,
/// in the caller's community (the street office: all; a company or unit: none, the community's recognition is not theirs).
/// </summary>
public sealed class VolunteerRecord(CloudDb db)
{
    public async Task<VolunteerMonth> MonthAsync(AccessScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.SeesEverything && scope.Community is null)
        {
            return new VolunteerMonth(from, to, [], []);
        }

        var community = scope.SeesEverything ? null : scope.Community;
        var helpers = await db.Users.AsNoTracking()
            .Where(u => (u.Role == StaffRole.Volunteer || u.Role == StaffRole.BuildingHead) && (community == null || u.CommunityId == community))
            .OrderBy(u => u.CommunityId).ThenBy(u => u.UserName).ToListAsync(cancellationToken);
        var names = helpers.Select(h => h.UserName!).ToList();
        var rounds = await db.PatrolRounds.AsNoTracking().Where(r => names.Contains(r.By) && r.WalkedAt >= from && r.WalkedAt < to)
            .GroupBy(r => r.By).Select(g => new { By = g.Key, Rounds = g.Count(), Findings = g.Sum(r => r.Failed) }).ToListAsync(cancellationToken);
        var confirmed = await db.WorkOrders.AsNoTracking().Where(w => w.VerifiedVia == Verification.Volunteer && names.Contains(w.VerifiedBy!) && w.VerifiedAt >= from && w.VerifiedAt < to)
            .GroupBy(w => w.VerifiedBy).Select(g => new { By = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var months = helpers.Select(h =>
        {
            var walked = rounds.FirstOrDefault(r => r.By == h.UserName);
            return new HelperMonth(h.UserName!, h.DisplayName ?? h.UserName!, h.Role, h.CommunityId ?? string.Empty, h.BlockId, h.TeamId, h.DisabledAt is not null,
                walked?.Rounds ?? 0, walked?.Findings ?? 0, confirmed.FirstOrDefault(c => c.By == h.UserName)?.Count ?? 0);
        }).ToList();
        var teams = await db.VolunteerTeams.AsNoTracking().Where(t => community == null || t.CommunityId == community).OrderBy(t => t.CommunityId).ThenBy(t => t.Name).ToListAsync(cancellationToken);
        return new VolunteerMonth(from, to, [.. teams.Select(t =>
        {
            var members = months.Where(m => m.TeamId == t.Id).ToList();
            return new TeamMonth(t.Id, t.Name, t.CommunityId, members.Count, members.Sum(m => m.Rounds), members.Sum(m => m.Findings), members.Sum(m => m.Confirmations));
        })], months);
    }
}
