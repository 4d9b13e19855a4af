using System.Text.Json;
using Iot.Cloud.Data;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Sites;

/// <summary>
/// Writes a validated site into the database in one transaction: adds what is new, updates what changed and
/// removes what the manifests no longer list. The agents' applied-config state is kept across syncs.
/// </summary>
public static class RegistryWriter
{
    public static async Task WriteAsync(CloudDb db, RegistrySnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(snapshot);
        var site = snapshot.Site;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        await Sync(
            db.Sites,
            [new SiteEntry
            {
                Id = site.Manifest.Id.Value, Name = site.Manifest.Name, TimeZone = site.Manifest.TimeZone,
                Latitude = site.Manifest.Location.Lat, Longitude = site.Manifest.Location.Lon, ManifestHash = snapshot.Hash, SyncedAt = now,
            }],
            s => s.Id,
            (to, from) => { to.Name = from.Name; to.TimeZone = from.TimeZone; to.Latitude = from.Latitude; to.Longitude = from.Longitude; to.ManifestHash = from.ManifestHash; to.SyncedAt = from.SyncedAt; },
            cancellationToken);

        await Sync(
            db.Parties,
            site.Manifest.Parties.Select(p => new Party { Id = p.Id.Value, Name = p.Name, Kind = WireNames.Of(p.Kind), Phone = p.Phone }),
            p => p.Id,
            (to, from) => { to.Name = from.Name; to.Kind = from.Kind; to.Phone = from.Phone; },
            cancellationToken);

        await Sync(
            db.Communities,
            site.Communities.Select(c => new Community { Id = c.Id.Value, Name = c.Name, ResidentsCommitteeId = c.ResidentsCommittee.Value }),
            c => c.Id,
            (to, from) => { to.Name = from.Name; to.ResidentsCommitteeId = from.ResidentsCommitteeId; },
            cancellationToken);

        await Sync(
            db.Blocks,
            site.Communities.SelectMany(c => c.Blocks.Select(b => new Block { Id = b.Id.Value, CommunityId = c.Id.Value, Name = b.Name, PropertyCompanyId = b.PropertyCompany?.Value })),
            b => b.Id,
            (to, from) => { to.CommunityId = from.CommunityId; to.Name = from.Name; to.PropertyCompanyId = from.PropertyCompanyId; },
            cancellationToken);

        await Sync(
            db.Courtyards,
            site.Courtyards.Select(p => new Courtyard
            {
                Id = p.Courtyard.Id, CommunityId = p.Community.Id.Value, BlockId = p.Courtyard.Block.Value, Name = p.Courtyard.Name,
                ResponsiblePartyId = p.Courtyard.Responsible!.Value.Value, Households = p.Courtyard.Households,
                PlanJson = p.Courtyard.Plan is { } plan ? JsonSerializer.Serialize(plan, PlanJson.Options) : null,
            }),
            c => c.Id.Value,
            (to, from) => { to.CommunityId = from.CommunityId; to.BlockId = from.BlockId; to.Name = from.Name; to.ResponsiblePartyId = from.ResponsiblePartyId; to.Households = from.Households; to.PlanJson = from.PlanJson; },
            cancellationToken);

        await Sync(
            db.Agents,
            snapshot.Agents.Values.Select(a => new Agent
            {
                Id = a.Manifest.Id, CourtyardId = a.Courtyard.Id,
                ManifestJson = ProtocolJson.SerializeToString(a.Manifest), DesiredHash = a.DesiredHash,
            }),
            a => a.Id.Value,
            (to, from) => { to.CourtyardId = from.CourtyardId; to.ManifestJson = from.ManifestJson; to.DesiredHash = from.DesiredHash; },
            cancellationToken);

        await Sync(
            db.Devices,
            site.Agents.SelectMany(p => p.Agent.Devices.Select(d => new Device
            {
                AgentId = p.Agent.Id, Id = d.Id, Kind = WireNames.Of(d.Kind), Name = d.Name, X = d.At?.X, Y = d.At?.Y,
            })),
            d => $"{d.AgentId}/{d.Id}",
            (to, from) => { to.Kind = from.Kind; to.Name = from.Name; to.X = from.X; to.Y = from.Y; },
            cancellationToken);

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Makes the table hold exactly `wanted`: update in place, add the new, remove the gone.
    private static async Task Sync<T>(DbSet<T> set, IEnumerable<T> wanted, Func<T, string> key, Action<T, T> update, CancellationToken cancellationToken)
        where T : class
    {
        var existing = (await set.ToListAsync(cancellationToken)).ToDictionary(key, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in wanted)
        {
            var k = key(item);
            seen.Add(k);
            if (existing.TryGetValue(k, out var current))
            {
                update(current, item);
            }
            else
            {
                set.Add(item);
            }
        }

        set.RemoveRange(existing.Where(e => !seen.Contains(e.Key)).Select(e => e.Value));
    }
}

/// <summary>JSON for the courtyard plan column.</summary>
internal static class PlanJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
