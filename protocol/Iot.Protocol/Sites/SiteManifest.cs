using System.Text.Json.Serialization;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Sites;

/// <summary>
/// A street office's site (<c>site.json</c>): its name, time zone, location (for sunrise and sunset) and the
/// parties that can be responsible for courtyards. Communities live in files of their own.
/// </summary>
/// <param name="Id">Pinyin id, e.g. <c>yongchang</c>.</param>
/// <param name="Name">Name in Chinese, e.g. 永昌街道.</param>
/// <param name="TimeZone">IANA time zone, e.g. <c>Asia/Shanghai</c>.</param>
/// <param name="Location">Latitude and longitude of the site's centre.</param>
/// <param name="Parties">Property companies, owning work units and residents' committees.</param>
/// <param name="CareServiceLevel">
/// The street office's shorter service level for lamp and gate faults in courtyards where elderly people live alone
/// (<see cref="CourtyardManifest.ElderlyAlone"/>): a dark stairway or a broken gate matters more there. Applies where it is
/// shorter than the party's own level. None when left out.
/// </param>
/// <param name="Schema">The JSON Schema reference editors use for completion; ignored otherwise.</param>
public sealed record SiteManifest(
    SiteId Id,
    string Name,
    string TimeZone,
    GeoPoint Location,
    IReadOnlyList<PartyManifest> Parties,
    ServiceLevel? CareServiceLevel = null,
    [property: JsonPropertyName("$schema")] string? Schema = null);

/// <summary>A point on the earth, degrees.</summary>
/// <param name="Lat">Latitude, north positive.</param>
/// <param name="Lon">Longitude, east positive.</param>
public sealed record GeoPoint(double Lat, double Lon);

/// <summary>Who a party is, which decides how work for its courtyards is routed and supervised.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<PartyKind>))]
public enum PartyKind
{
    /// <summary>The property company contracted for a block (物业公司).</summary>
    PropertyCompany,

    /// <summary>The work unit that owns and manages its own courtyards (权属单位).</summary>
    OwningUnit,

    /// <summary>A community's residents' committee (居委会), for courtyards nobody else looks after.</summary>
    ResidentsCommittee,
}

/// <summary>A party that can be responsible for courtyards.</summary>
/// <param name="Id">Pinyin id.</param>
/// <param name="Name">Name in Chinese.</param>
/// <param name="Kind">Company, owning unit or residents' committee.</param>
/// <param name="Phone">Duty phone number, if published.</param>
/// <param name="ServiceLevels">
/// The service levels of the party's contract, by severity (<c>critical</c>, <c>major</c>, <c>minor</c>, <c>warning</c>):
/// how soon a work order must be acknowledged and fixed. Severities left out take the cloud's defaults.
/// </param>
public sealed record PartyManifest(PartyId Id, string Name, PartyKind Kind, string? Phone = null, IReadOnlyDictionary<string, ServiceLevel>? ServiceLevels = null);

/// <summary>How soon work of one severity must be acknowledged and fixed, in minutes from when the order is raised.</summary>
/// <param name="AckMinutes">Time to acknowledge.</param>
/// <param name="FixMinutes">Time to fix.</param>
public sealed record ServiceLevel(double AckMinutes, double FixMinutes);

/// <summary>
/// One community (社区) of the site, in a file of its own: its residents' committee, its blocks (街区) and
/// their courtyards (院坝) with agents and devices.
/// </summary>
/// <param name="Id">Pinyin id, e.g. <c>yikang-road</c>.</param>
/// <param name="Name">Name in Chinese, e.g. 益康路社区.</param>
/// <param name="ResidentsCommittee">The party id of the community's residents' committee.</param>
/// <param name="Blocks">The community's blocks.</param>
/// <param name="Courtyards">The community's courtyards.</param>
/// <param name="Schema">The JSON Schema reference editors use for completion; ignored otherwise.</param>
public sealed record CommunityManifest(
    CommunityId Id,
    string Name,
    PartyId ResidentsCommittee,
    IReadOnlyList<BlockManifest> Blocks,
    IReadOnlyList<CourtyardManifest> Courtyards,
    [property: JsonPropertyName("$schema")] string? Schema = null);

/// <summary>A block (街区): a management unit with clear road boundaries and one contracted property company.</summary>
/// <param name="Id">Pinyin id, unique in the site.</param>
/// <param name="Name">Name in Chinese.</param>
/// <param name="PropertyCompany">The party id of the block's contracted property company, if it has one.</param>
public sealed record BlockManifest(BlockId Id, string Name, PartyId? PropertyCompany = null);

/// <summary>A courtyard (院坝): two or three buildings around a yard, with one responsible party.</summary>
/// <param name="Id">Pinyin id, unique in the site.</param>
/// <param name="Name">Name in Chinese, e.g. 益康路12号院.</param>
/// <param name="Block">The block it belongs to.</param>
/// <param name="Agents">The edge agents installed there.</param>
/// <param name="Responsible">The party id of whoever answers for it; every courtyard needs one (the validator says so).</param>
/// <param name="Households">Number of households, where known.</param>
/// <param name="Plan">A schematic site plan for the staff console.</param>
/// <param name="ElderlyAlone">
/// How many of its households have elderly residents living alone (a count, no personal data). Lamp and gate faults
/// there are due by the site's <see cref="SiteManifest.CareServiceLevel"/>, and are shown first.
/// </param>
public sealed record CourtyardManifest(
    CourtyardId Id,
    string Name,
    BlockId Block,
    IReadOnlyList<AgentManifest> Agents,
    PartyId? Responsible = null,
    int? Households = null,
    SitePlan? Plan = null,
    int? ElderlyAlone = null);

/// <summary>A schematic plan of a courtyard in metres, origin top left.</summary>
/// <param name="Width">Width of the yard, m.</param>
/// <param name="Height">Depth of the yard, m.</param>
/// <param name="Buildings">Buildings drawn as rectangles.</param>
public sealed record SitePlan(double Width, double Height, IReadOnlyList<PlanBuilding> Buildings);

/// <summary>A building on a <see cref="SitePlan"/>.</summary>
/// <param name="Name">Label, e.g. 3栋.</param>
/// <param name="X">Left edge, m.</param>
/// <param name="Y">Top edge, m.</param>
/// <param name="W">Width, m.</param>
/// <param name="H">Depth, m.</param>
public sealed record PlanBuilding(string Name, double X, double Y, double W, double H);
