using System.Text.Json;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Sites;

/// <summary>
/// Browse the site: street → community → block → courtyard → agent → device, with who answers for each courtyard.
/// Scoped like everything else: a company's or unit's people see their own party and the communities, blocks and
/// residents' committees of the courtyards they serve; a community's people their community and the parties that
/// serve it; the street office everything. A party's office phone goes with the party, to whoever may see the party
/// (residents see it on their report's tracking page too).
/// </summary>
public static class SitesApi
{
    public static IEndpointRouteBuilder MapSitesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Sites").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/site", GetSite);
        api.MapGet("/parties", ListParties);
        api.MapGet("/communities/{id}", GetCommunity);
        api.MapGet("/courtyards", ListCourtyards);
        api.MapGet("/courtyards/{id}", GetCourtyard).ForCourtyard();
        api.MapGet("/agents", ListAgents);
        api.MapGet("/agents/{id}", GetAgent).ForAgent("id");
        return app;
    }

    private static async Task<Ok<SiteView>> GetSite(CloudDb db, SiteRegistry registry, AccessScope scope, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().SingleAsync(ct);
        var courtyards = await db.Courtyards.AsNoTracking().Where(scope.Courtyards).Select(c => new { c.CommunityId, c.BlockId }).ToListAsync(ct);
        var counts = courtyards.GroupBy(c => c.BlockId).ToDictionary(g => g.Key, g => g.Count());
        var communityIds = courtyards.Select(c => c.CommunityId).ToHashSet();
        var communities = await db.Communities.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);
        var blocks = await db.Blocks.AsNoTracking().OrderBy(b => b.Id).ToListAsync(ct);
        var parties = await VisiblePartiesAsync(db, scope, ct);

        // A block is shown when it holds courtyards in scope (a whole community's people see all of its blocks).
        bool Shown(Block b) => scope.SeesEverything || counts.ContainsKey(b.Id)
            || (b.CommunityId == scope.Community && scope.Role is StaffRole.CommunitySupervisor or StaffRole.Volunteer);
        return TypedResults.Ok(new SiteView(
            site.Id, site.Name, site.TimeZone, site.Latitude, site.Longitude, site.SyncedAt, registry.LastChecked,

            // The manifests' problems name any courtyard or party: for the street office, which keeps the manifests.
            scope.SeesEverything ? registry.Problems.Select(p => p.ToString()).ToList() : [],
            communities.Where(c => scope.SeesEverything || communityIds.Contains(c.Id)).Select(c => new CommunitySummary(
                c.Id, c.Name, c.ResidentsCommitteeId,
                blocks.Where(b => b.CommunityId == c.Id && Shown(b))
                    .Select(b => new BlockView(b.Id, b.Name, parties is null || parties.Contains(b.PropertyCompanyId ?? "") ? b.PropertyCompanyId : null, counts.GetValueOrDefault(b.Id)))
                    .ToList())).ToList()));
    }

    private static async Task<Ok<List<PartyView>>> ListParties(CloudDb db, AccessScope scope, CancellationToken ct)
    {
        var visible = await VisiblePartiesAsync(db, scope, ct);
        var parties = visible is null ? db.Parties.AsNoTracking() : db.Parties.AsNoTracking().Where(p => visible.Contains(p.Id));
        return TypedResults.Ok(await parties.OrderBy(p => p.Id).Select(p => new PartyView(p.Id, p.Name, p.Kind, p.Phone)).ToListAsync(ct));
    }

    /// <summary>
    /// The parties a person may see (null: all, for the street office): their own, those that answer for the
    /// courtyards in their scope, and the residents' committees of those courtyards' communities.
    /// </summary>
    private static async Task<HashSet<string>?> VisiblePartiesAsync(CloudDb db, AccessScope scope, CancellationToken ct)
    {
        if (scope.SeesEverything)
        {
            return null;
        }

        var courtyards = await db.Courtyards.AsNoTracking().Where(scope.Courtyards).Select(c => new { c.CommunityId, c.ResponsiblePartyId }).ToListAsync(ct);
        var communities = courtyards.Select(c => c.CommunityId).Append(scope.Community ?? "").Distinct().ToList();
        var committees = await db.Communities.AsNoTracking().Where(c => communities.Contains(c.Id)).Select(c => c.ResidentsCommitteeId).ToListAsync(ct);
        var visible = courtyards.Select(c => c.ResponsiblePartyId).Concat(committees).ToHashSet();
        if (scope.Party is { } own)
        {
            visible.Add(own);
        }

        return visible;
    }

    private static async Task<Results<Ok<CommunityView>, NotFound>> GetCommunity(string id, CloudDb db, AccessScope scope, CancellationToken ct)
    {
        var community = await db.Communities.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        var courtyards = await CourtyardRows(db, scope, c => c.CommunityId == id, ct);
        if (community is null || (courtyards.Count == 0 && !scope.SeesEverything))
        {
            return TypedResults.NotFound();
        }

        var blocks = await db.Blocks.AsNoTracking().Where(b => b.CommunityId == id).OrderBy(b => b.Id).ToListAsync(ct);
        return TypedResults.Ok(new CommunityView(
            community.Id, community.Name, community.ResidentsCommitteeId,
            blocks.Select(b => new BlockView(b.Id, b.Name, b.PropertyCompanyId, courtyards.Count(c => c.Block == b.Id))).ToList(),
            courtyards));
    }

    private static async Task<Ok<List<CourtyardSummary>>> ListCourtyards(CloudDb db, AccessScope scope, string? community, string? block, string? party, CancellationToken ct) =>
        TypedResults.Ok(await CourtyardRows(
            db,
            scope,
            c => (community == null || c.CommunityId == community) && (block == null || c.BlockId == block) && (party == null || c.ResponsiblePartyId == party),
            ct));

    private static async Task<Results<Ok<CourtyardView>, NotFound>> GetCourtyard(CourtyardId id, CloudDb db, CancellationToken ct)
    {
        var c = await db.Courtyards.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return TypedResults.NotFound();
        }

        var party = await db.Parties.AsNoTracking().SingleAsync(p => p.Id == c.ResponsiblePartyId, ct);
        var agents = await AgentRows(db, AccessScope.Everything, a => a.CourtyardId == id, ct);
        var agentIds = agents.Select(a => a.Id).ToList();
        var devices = await db.Devices.AsNoTracking().Where(d => agentIds.Contains(d.AgentId)).OrderBy(d => d.AgentId).ThenBy(d => d.Id)
            .Select(d => new DeviceView(d.AgentId, d.Id, d.Kind, d.Name, d.X, d.Y)).ToListAsync(ct);
        return TypedResults.Ok(new CourtyardView(
            c.Id, c.Name, c.CommunityId, c.BlockId, new PartyView(party.Id, party.Name, party.Kind, party.Phone), c.Households,
            c.PlanJson is null ? null : JsonDocument.Parse(c.PlanJson).RootElement, agents, devices));
    }

    private static async Task<Ok<List<AgentView>>> ListAgents(CloudDb db, AccessScope scope, CourtyardId? courtyard, string? state, CancellationToken ct)
    {
        var agents = await AgentRows(db, scope, a => courtyard == null || a.CourtyardId == courtyard, ct);
        return TypedResults.Ok(state is null ? agents : agents.Where(a => a.Presence == state).ToList());
    }

    private static async Task<Results<Ok<AgentDetail>, NotFound>> GetAgent(AgentId id, CloudDb db, CancellationToken ct)
    {
        var rows = await AgentRows(db, AccessScope.Everything, a => a.Id == id, ct);
        if (rows.Count == 0)
        {
            return TypedResults.NotFound();
        }

        var agent = await db.Agents.AsNoTracking().SingleAsync(a => a.Id == id, ct);
        var presence = await db.Presence.AsNoTracking().SingleOrDefaultAsync(p => p.AgentId == id, ct);
        return TypedResults.Ok(new AgentDetail(
            rows[0],
            presence?.BootId, presence?.AgentVersion, presence?.ClockSynced, presence?.Reason,
            presence?.HealthJson is { } health ? JsonDocument.Parse(health).RootElement : null,
            agent.DesiredHash, agent.PublishedHash, agent.AppliedHash, agent.RejectedHash,
            agent.RejectedReasons?.Split('\n') ?? [],
            JsonDocument.Parse(agent.ManifestJson).RootElement));
    }

    private static async Task<List<CourtyardSummary>> CourtyardRows(CloudDb db, AccessScope scope, System.Linq.Expressions.Expression<Func<Courtyard, bool>> filter, CancellationToken ct)
    {
        var courtyards = await db.Courtyards.AsNoTracking().Where(scope.Courtyards).Where(filter).OrderBy(c => c.Id).ToListAsync(ct);
        var ids = courtyards.Select(c => c.Id).ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => ids.Contains(a.CourtyardId)).Select(a => new { a.Id, a.CourtyardId }).ToListAsync(ct);
        var agentIds = agents.Select(a => a.Id).ToList();
        var online = await db.Presence.AsNoTracking().Where(p => agentIds.Contains(p.AgentId) && p.State == Presence.Online).Select(p => p.AgentId).ToListAsync(ct);
        return courtyards.Select(c =>
        {
            var mine = agents.Where(a => a.CourtyardId == c.Id).Select(a => a.Id).ToList();
            return new CourtyardSummary(c.Id, c.Name, c.CommunityId, c.BlockId, c.ResponsiblePartyId, mine.Count, mine.Count(online.Contains));
        }).ToList();
    }

    private static async Task<List<AgentView>> AgentRows(CloudDb db, AccessScope scope, System.Linq.Expressions.Expression<Func<Agent, bool>> filter, CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking().Where(scope.Agents).Where(filter).OrderBy(a => a.Id).ToListAsync(ct);
        var ids = agents.Select(a => a.Id).ToList();
        var presence = await db.Presence.AsNoTracking().Where(p => ids.Contains(p.AgentId)).ToDictionaryAsync(p => p.AgentId, ct);
        return agents.Select(a =>
        {
            presence.TryGetValue(a.Id, out var p);
            return new AgentView(a.Id, a.CourtyardId, p is null ? "unknown" : WireNames.Of(p.State), p?.Since, p?.LastSeen, WireNames.Of(a.ConfigState()));
        }).ToList();
    }
}

public sealed record SiteView(string Id, string Name, string TimeZone, double Latitude, double Longitude, DateTimeOffset SyncedAt, DateTimeOffset? LastChecked, IReadOnlyList<string> ManifestProblems, IReadOnlyList<CommunitySummary> Communities);

public sealed record CommunitySummary(string Id, string Name, string ResidentsCommittee, IReadOnlyList<BlockView> Blocks);

public sealed record BlockView(string Id, string Name, string? PropertyCompany, int Courtyards);

public sealed record PartyView(string Id, string Name, string Kind, string? Phone);

public sealed record CommunityView(string Id, string Name, string ResidentsCommittee, IReadOnlyList<BlockView> Blocks, IReadOnlyList<CourtyardSummary> Courtyards);

public sealed record CourtyardSummary(CourtyardId Id, string Name, string Community, string Block, string Responsible, int Agents, int AgentsOnline);

public sealed record CourtyardView(CourtyardId Id, string Name, string Community, string Block, PartyView Responsible, int? Households, JsonElement? Plan, IReadOnlyList<AgentView> Agents, IReadOnlyList<DeviceView> Devices);

public sealed record DeviceView(AgentId Agent, DeviceId Id, string Kind, string Name, double? X, double? Y);

/// <summary>An agent with its presence (<c>online</c>, <c>offline</c>, <c>unknown</c>) and config state (<c>inSync</c>, <c>pending</c>, <c>rejected</c>).</summary>
public sealed record AgentView(AgentId Id, CourtyardId Courtyard, string Presence, DateTimeOffset? Since, DateTimeOffset? LastSeen, string Config);

public sealed record AgentDetail(
    AgentView Agent, string? Boot, string? AgentVersion, bool? ClockSynced, string? OfflineReason, JsonElement? Health,
    string DesiredHash, string? PublishedHash, string? AppliedHash, string? RejectedHash, IReadOnlyList<string> RejectedReasons, JsonElement Manifest);
