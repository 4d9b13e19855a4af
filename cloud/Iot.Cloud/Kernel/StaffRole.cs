using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Kernel;

/// <summary>
/// What a signed-in person may do, and over which courtyards. Residents have no account: they use the public pages.
/// </summary>
[JsonConverter(typeof(CamelCaseEnumConverter<StaffRole>))]
public enum StaffRole
{
    /// <summary>Staff of a property company: its courtyards' alerts and work orders (物业员工).</summary>
    PropertyStaff,

    /// <summary>A property company's supervisor: the same courtyards, plus the company's service record and team (物业主管).</summary>
    CompanySupervisor,

    /// <summary>Staff of an owning work unit, or of a residents' committee that answers for courtyards itself (权属单位).</summary>
    UnitStaff,

    /// <summary>The residents' committee supervising its community: reads everything there, comments and rates, changes no work order (社区监督).</summary>
    CommunitySupervisor,

    /// <summary>The street office: everything, plus accounts, rules and ingest administration (街道管理员).</summary>
    StreetAdmin,

    /// <summary>
    /// A volunteer of a community (e.g. of 永兴帮帮团): patrols its courtyards, files findings, confirms repairs there and
    /// sees their open orders; no phone numbers, no accounts, no other community (志愿者). Made and disabled by the committee.
    /// </summary>
    Volunteer,

    /// <summary>A building head (楼栋长): a volunteer bound to one block of the community.</summary>
    BuildingHead,
}
