using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Cloud.Notifications.Settings;

/// <summary>
/// The settings page's API: the channels and rotas a person may manage (the street office every party's, a company's
/// supervisor its own), their editing through <see cref="ChannelEditor"/>, and the "send a test message" button.
/// Secrets are write-only: never in an answer; an empty one on save keeps the stored one.
/// </summary>
public static class NotificationSettingsApi
{
    public static IEndpointRouteBuilder MapNotificationSettingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Notify);
        api.MapGet("/channels/", Channels);
        api.MapPut("/channels/{name}", SaveChannel);
        api.MapDelete("/channels/{name}", DeleteChannel);
        api.MapPost("/channels/{name}/test", Test);
        api.MapGet("/rota/", Rotas);
        api.MapPut("/rota/{party}", SaveRota);
        api.MapDelete("/rota/{party}", DeleteRota);
        return app;
    }

    /// <summary>The channels <paramref name="scope"/> may manage, configuration's first.</summary>
    public static async Task<List<ChannelView>> ChannelsAsync(CloudDb db, ChannelDirectory directory, AccessScope scope, CancellationToken ct)
    {
        var set = await directory.LoadAsync(db, secrets: true, ct);
        return [.. set.Channels.Where(c => ChannelEditor.MayManage(scope, c.Channel.Party)).Select(c => ChannelView.Of(c, set.Rota(c.Channel.Party)))];
    }

    /// <summary>The rota of each party <paramref name="scope"/> may manage that has one.</summary>
    public static async Task<List<RotaView>> RotasAsync(CloudDb db, ChannelDirectory directory, ChannelEditor editor, AccessScope scope, CancellationToken ct)
    {
        var set = await directory.LoadAsync(db, secrets: false, ct);
        return [.. editor.Parties(scope).Where(p => set.Rota(p.Id) is not null)
            .Select(p => set.Rota(p.Id) is { } r ? new RotaView(p.Id, p.Name, set.ConfiguredRotas.Contains(p.Id), r.Shifts, r.Fallback, r.Supervisor) : null!)];
    }

    /// <summary>A refused edit as a problem naming each field, or 404.</summary>
    public static IResult Answer(EditResult result, IResult saved)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            EditOutcome.Saved => saved,
            EditOutcome.NotFound => TypedResults.NotFound(),
            _ when result.Problems.Count == 1 => Problems.Bad(result.Problems[0].Field, result.Problems[0].Words),
            _ => Problems.Bad(string.Join(", ", result.Problems.Select(p => p.Field).Distinct()), Problems.Text(string.Join("; ", result.Problems.Select(p => FormattableString.Invariant(p.Words))))),
        };
    }

    private static async Task<Ok<List<ChannelView>>> Channels(CloudDb db, ChannelDirectory directory, AccessScope scope, CancellationToken ct) =>
        TypedResults.Ok(await ChannelsAsync(db, directory, scope, ct));

    private static async Task<Ok<List<RotaView>>> Rotas(CloudDb db, ChannelDirectory directory, ChannelEditor editor, AccessScope scope, CancellationToken ct) =>
        TypedResults.Ok(await RotasAsync(db, directory, editor, scope, ct));

    private static async Task<IResult> SaveChannel(string name, ChannelRequest body, ChannelEditor editor, CloudDb db, ChannelDirectory directory, AccessScope scope, HttpContext http, CancellationToken ct)
    {
        var result = await editor.SaveChannelAsync(name, body, scope, Actor.Of(http), ct);
        return Answer(result, result.Outcome == EditOutcome.Saved ? TypedResults.Ok((await ChannelsAsync(db, directory, scope, ct)).First(c => c.Name == name)) : TypedResults.Empty);
    }

    private static async Task<IResult> DeleteChannel(string name, ChannelEditor editor, AccessScope scope, HttpContext http, CancellationToken ct) =>
        Answer(await editor.DeleteChannelAsync(name, scope, Actor.Of(http), ct), TypedResults.NoContent());

    private static async Task<IResult> SaveRota(string party, RotaRequest body, ChannelEditor editor, CloudDb db, ChannelDirectory directory, AccessScope scope, HttpContext http, CancellationToken ct)
    {
        var result = await editor.SaveRotaAsync(party, body, scope, Actor.Of(http), ct);
        return Answer(result, result.Outcome == EditOutcome.Saved ? TypedResults.Ok((await RotasAsync(db, directory, editor, scope, ct)).First(r => r.Party == party)) : TypedResults.Empty);
    }

    private static async Task<IResult> DeleteRota(string party, ChannelEditor editor, AccessScope scope, HttpContext http, CancellationToken ct) =>
        Answer(await editor.DeleteRotaAsync(party, scope, Actor.Of(http), ct), TypedResults.NoContent());

    private static async Task<Results<Accepted<DeliveryView>, NotFound>> Test(string name, AccessScope scope, ChannelDirectory directory, Work work, ChangeNotifier notifier, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        var channel = await directory.FindAsync(work.Db, name, ct);
        if (channel is null || !ChannelEditor.MayManage(scope, channel.Channel.Party) || await notifier.QueueTestAsync(work.Db, name, ct) is not { } queued)
        {
            return TypedResults.NotFound();
        }

        await work.SaveAsync(ct);
        dispatcher.Wake();
        return TypedResults.Accepted((string?)null, DeliveryView.Of(queued));
    }
}
