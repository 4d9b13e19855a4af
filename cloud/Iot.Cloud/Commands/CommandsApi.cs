using System.Globalization;
using System.Security.Claims;
using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Commands;

/// <summary>
/// Commands from people to devices: reset a cut-off charging outlet (only on the open work order for its cut-off, with
/// a reason and the inspection confirmed), switch a lamp for maintenance for a while, ask an agent for its status; and
/// what became of them. Sending is work (the responsible party and the street office); everyone in scope reads.
/// </summary>
public static class CommandsApi
{
    /// <summary>Longest reason accepted (the agent keeps 500 characters; the checklist and order number go with it).</summary>
    public const int MaxReasonLength = 400;

    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Commands").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        var send = api.MapGroup("/agents/{agent}/commands").RequireAuthorization(Policies.Work)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        send.MapPost("/reset-outlet", ResetOutlet).ProducesProblem(StatusCodes.Status409Conflict).ForAgent();
        send.MapPost("/switch-lamp", SwitchLamp).ForAgent();
        send.MapPost("/request-status", RequestStatus).ForAgent();
        api.MapGet("/commands/{id:long}", Get).ForCommand();
        api.MapGet("/work-orders/{id:long}/commands", ForOrder).ForWorkOrder();
        api.MapGet("/courtyards/{id}/commands", ForCourtyard).ForCourtyard();
        return app;
    }

    private static async Task<Results<Accepted<CommandView>, NotFound, ProblemHttpResult>> ResetOutlet(
        string agent, ResetOutletRequest body, HttpContext http, CloudDb db, AccessScope scope, SiteRegistry registry, CommandSender sender, CancellationToken ct)
    {
        if (Find(registry, agent) is not { } found)
        {
            return TypedResults.NotFound();
        }

        var (site, registered) = found;
        if (Device(registered, body.Device, DeviceKind.Charger, "a charging station") is { Problem: { } deviceProblem })
        {
            return deviceProblem;
        }

        var station = registered.Manifest.Devices.Single(d => d.Id.Value == body.Device);
        var outlets = station.Parts.Where(p => p.Outlet is not null).Select(p => p.Outlet!.Value).Distinct().Order().ToList();
        if (!outlets.Contains(body.Outlet))
        {
            return Problems.Bad("outlet", $"{station.Name} ({body.Device}) has no outlet {body.Outlet}; its outlets are {string.Join(", ", outlets)}");
        }

        if (ReasonProblem(body.Reason) is { } reasonProblem)
        {
            return reasonProblem;
        }

        if (Checklist.Missing(body.Checklist) is { Count: > 0 } missing)
        {
            return Problems.Bad("checklist", $"the inspection is not confirmed: {string.Join(", ", missing.Select(m => $"{m.Chinese} ({m.English})"))}. Confirm every item before the outlet is powered again");
        }

        var outlet = new OutletRef(registered.Manifest.Id, station.Id, body.Outlet);
        var order = await OutletCutOffs.OpenOrderAsync(db, outlet, ct);
        if (order is null || !scope.Order(order.PartyId, order.CourtyardId))
        {
            return Problems.Conflict($"there is no open work order for the cut-off of outlet {body.Outlet} of {station.Name} ({body.Device}): an outlet is reset only on the open work order for its cut-off (充电桩安全断电)");
        }

        var confirmed = Checklist.Keys(body.Checklist);
        var reason = body.Reason!.Trim();
        var command = NewCommand(http, registered, CommandKind.ResetOutlet, reason);
        command.DeviceId = station.Id;
        command.Outlet = body.Outlet;
        command.WorkOrderId = order.Id;
        command.Checklist = string.Join(',', confirmed);

        // The agent records "person: reason" with the reset; the inspection and the order go with it.
        command.Reason = $"{reason}（已确认：{Checklist.Chinese(confirmed)}；工单 {order.Number}）";
        return Answer(await sender.SendAsync(db, registered, site, command, ct));
    }

    private static async Task<Results<Accepted<CommandView>, NotFound, ProblemHttpResult>> SwitchLamp(
        string agent, SwitchLampRequest body, HttpContext http, CloudDb db, SiteRegistry registry, CommandSender sender, CancellationToken ct)
    {
        if (Find(registry, agent) is not { } found)
        {
            return TypedResults.NotFound();
        }

        var (site, registered) = found;
        var (lamp, lampProblem) = Device(registered, body.Device, DeviceKind.Streetlight, "a streetlight");
        if (lampProblem is not null)
        {
            return lampProblem;
        }

        if (body.ForMinutes is not (>= 1 and <= MessageReader.MaxSwitchMinutes))
        {
            return body.On
                ? Problems.Bad("forMinutes", $"forMinutes: how long the lamp stays on, 1 to {MessageReader.MaxSwitchMinutes} minutes; then it follows its schedule again")
                : Problems.Bad("forMinutes", $"forMinutes: how long the lamp stays off, 1 to {MessageReader.MaxSwitchMinutes} minutes; then it follows its schedule again");
        }

        if (ReasonProblem(body.Reason) is { } reasonProblem)
        {
            return reasonProblem;
        }

        var command = NewCommand(http, registered, CommandKind.SwitchLamp, body.Reason!.Trim());
        command.DeviceId = lamp!.Id;
        command.On = body.On;
        command.ForMinutes = body.ForMinutes;
        return Answer(await sender.SendAsync(db, registered, site, command, ct));
    }

    private static async Task<Results<Accepted<CommandView>, NotFound, ProblemHttpResult>> RequestStatus(
        string agent, HttpContext http, CloudDb db, SiteRegistry registry, CommandSender sender, CancellationToken ct)
    {
        if (Find(registry, agent) is not { } found)
        {
            return TypedResults.NotFound();
        }

        var (site, registered) = found;
        return Answer(await sender.SendAsync(db, registered, site, NewCommand(http, registered, CommandKind.RequestStatus, "查询设备状态"), ct));
    }

    private static async Task<Results<Ok<CommandView>, NotFound>> Get(long id, CloudDb db, TimeProvider time, CancellationToken ct) =>
        (await CommandView.LoadAsync(db, db.Commands.Where(c => c.Id == id), time.GetUtcNow(), ct)).SingleOrDefault() is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<Ok<List<CommandView>>> ForOrder(long id, CloudDb db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await CommandView.LoadAsync(db, db.Commands.Where(c => c.WorkOrderId == id).OrderByDescending(c => c.Id).Take(100), time.GetUtcNow(), ct));

    private static async Task<Results<Ok<List<CommandView>>, ProblemHttpResult>> ForCourtyard(CourtyardId id, int? limit, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        if (limit is < 1 or > 200)
        {
            return Problems.Bad("limit", $"limit is between 1 and 200");
        }

        return TypedResults.Ok(await CommandView.LoadAsync(db, db.Commands.Where(c => c.CourtyardId == id).OrderByDescending(c => c.Id).Take(limit ?? 20), time.GetUtcNow(), ct));
    }

    /// <summary>The route value <c>id</c> is a command id: in scope when its courtyard is.</summary>
    private static RouteHandlerBuilder ForCommand(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var id = long.TryParse(http.GetRouteValue("id") as string, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;
            var courtyard = await http.RequestServices.GetRequiredService<CloudDb>().Commands.AsNoTracking().Where(c => c.Id == id).Select(c => c.CourtyardId).FirstOrDefaultAsync(http.RequestAborted);
            return http.RequestServices.GetRequiredService<AccessScope>().Courtyard(courtyard) ? await next(context) : TypedResults.NotFound();
        });

    private static (SiteId Site, RegisteredAgent Agent)? Find(SiteRegistry registry, string agent) =>
        registry.Current is { } snapshot && AgentId.TryParse(agent, out var id, out _) && snapshot.Agents.TryGetValue(id, out var registered)
            ? (snapshot.Site.Manifest.Id, registered)
            : null;

    private static (DeviceManifest? Device, ProblemHttpResult? Problem) Device(RegisteredAgent agent, string? id, DeviceKind kind, string what)
    {
        var device = agent.Manifest.Devices.FirstOrDefault(d => d.Id.Value == id);
        if (device is null)
        {
            return (null, Problems.Bad("device", $"{agent.Manifest.Id} has no device '{Shorten(id)}'"));
        }

        return device.Kind == kind
            ? (device, null)
            : (null, Problems.Bad("device", $"{device.Name} ({id}) is a {WireNames.Of(device.Kind)}, not {what}"));
    }

    // The reason travels to the agent and into its records: plain text, one line of it.
    private static ProblemHttpResult? ReasonProblem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReasonLength || reason.Any(char.IsControl)
            ? Problems.Bad("reason", $"a reason is required (原因: what was found and done), plain text of at most {MaxReasonLength} characters")
            : null;

    private static CommandRecord NewCommand(HttpContext http, RegisteredAgent agent, CommandKind kind, string reason)
    {
        var account = Actor.Of(http);
        var person = http.User.FindFirstValue(StaffClaims.DisplayName) is { Length: > 0 } display ? display.Trim() : account;
        return new CommandRecord
        {
            CommandId = string.Empty, Kind = kind, CourtyardId = agent.Courtyard.Id, AgentId = agent.Manifest.Id,
            IssuedBy = account, Person = person.Length > 100 ? person[..100] : person, Reason = reason,
        };
    }

    private static Results<Accepted<CommandView>, NotFound, ProblemHttpResult> Answer(CommandView view) =>
        view.State == CommandState.NotSent
            ? Problems.Of(StatusCodes.Status503ServiceUnavailable, "Not sent", $"the command was recorded but not sent: {view.NotSentReason}; try again when the broker is back")
            : TypedResults.Accepted($"/api/commands/{view.Id}", view);

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length > 60 ? text[..60] + "…" : text;
}

/// <summary>Reset a latched charging outlet: which, why, and the inspection confirmed.</summary>
public sealed record ResetOutletRequest(string Device, int Outlet, string? Reason = null, InspectionChecklist? Checklist = null);

/// <summary>Switch a lamp on or off for maintenance, for <see cref="ForMinutes"/>; then its schedule takes over again.</summary>
public sealed record SwitchLampRequest(string Device, bool On, int? ForMinutes = null, string? Reason = null);
