using Iot.Cloud.Auth;
using Iot.Cloud.Kernel;

namespace Iot.Cloud.WorkOrders;

/// <summary>
/// Who may move a work order where, so that the record the community supervises the company with is not the company's
/// to shape. The responsible party works its orders (takes, progresses, waits for parts, fixes); it never confirms its
/// own repair, closes or cancels what it was given. A repair is confirmed by the telemetry where the fault has a
/// signal, otherwise by the community (residents' committee, or one of its volunteers and building heads), the street
/// office, or the resident who reported it (on the tracking page, <see cref="WorkOrderService.ConfirmAsync"/>). The
/// community may send a repair back. Volunteers confirm or send back; they never close or cancel by hand.
/// </summary>
public static class WorkOrderRoles
{
    /// <summary>Null when <paramref name="who"/> may move <paramref name="order"/> to <paramref name="to"/>; else why not.</summary>
    public static FormattableString? Refusal(AccessScope who, WorkOrder order, WorkOrderStatus to)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(order);
        var supervises = who.Role is StaffRole.CommunitySupervisor or StaffRole.StreetAdmin;
        return to switch
        {
            WorkOrderStatus.Verified when !supervises && !who.IsHelper =>
                $"the party that answers for an order does not confirm its own repair: the telemetry, the community or the resident who reported it does",
            WorkOrderStatus.Closed when !supervises =>
                $"the party that answers for an order does not confirm its own repair: the telemetry, the community or the resident who reported it does",
            WorkOrderStatus.Cancelled when !supervises && order.Source != WorkOrderSource.Staff =>
                $"an order from an alert or a resident's report is cancelled by the community or the street office, not by the party that answers for it",
            WorkOrderStatus.Assigned or WorkOrderStatus.WaitingForParts or WorkOrderStatus.Fixed when !who.IsPartyRole && !who.SeesEverything =>
                $"the party that answers for the courtyard works its orders; the community confirms repairs or sends them back",
            WorkOrderStatus.InProgress when !who.IsPartyRole && !who.SeesEverything && order.Status != WorkOrderStatus.Fixed =>
                $"the party that answers for the courtyard works its orders; the community confirms repairs or sends them back",
            _ => null,
        };
    }

    /// <summary>Where <paramref name="who"/> may move <paramref name="order"/> next (the API's <c>nextStatuses</c>, the console's buttons).</summary>
    public static IReadOnlyList<WorkOrderStatus> Next(AccessScope who, WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return [.. WorkOrderTransitions.From(order.Status).Where(to => Refusal(who, order, to) is null)];
    }

    /// <summary>How a person's confirmation is recorded, by their role (null: they may not confirm).</summary>
    public static Verification? VerificationBy(AccessScope who)
    {
        ArgumentNullException.ThrowIfNull(who);
        return who.Role switch
        {
            StaffRole.StreetAdmin => Verification.StreetOffice,
            StaffRole.CommunitySupervisor => Verification.Community,
            StaffRole.Volunteer or StaffRole.BuildingHead => Verification.Volunteer,
            _ => null,
        };
    }
}
