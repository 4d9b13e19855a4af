using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Commands;

/// <summary>
/// A command as the API and the live feed show it: as issued (what, to which agent, device and outlet, by which account,
/// for which person and why, with which inspection confirmed), with its state and the agent's answer. <c>Id</c> is the
/// cloud's (for <c>/api/commands/{id}</c>), <c>CommandId</c> the one on the wire; <c>Error</c> is the agent's reason for
/// a refusal in its own (English, technical) words, and <c>Refusal</c> that reason recognised, so that pages can say it
/// in Chinese as well (null when not recognised).
/// </summary>
public sealed record CommandView(
    long Id,
    string CommandId,
    CommandKind Kind,
    CourtyardId Courtyard,
    AgentId Agent,
    DeviceId? Device,
    int? Outlet,
    bool? On,
    int? ForMinutes,
    long? WorkOrderId,
    string IssuedBy,
    string Person,
    string Reason,
    IReadOnlyList<string> Checklist,
    DateTimeOffset IssuedAt,
    CommandState State,
    string? Error,
    AgentRefusal? Refusal,
    DateTimeOffset? AnsweredAt,
    string? NotSentReason)
{
    public static CommandView Of(CommandRecord c, CommandResultRecord? firstAnswer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var state = CommandOutcome.StateOf(c, firstAnswer, now);
        var error = state == CommandState.Refused ? firstAnswer!.Error : null;
        return new CommandView(
            c.Id, c.CommandId, c.Kind, c.CourtyardId, c.AgentId, c.DeviceId, c.Outlet, c.On, c.ForMinutes, c.WorkOrderId, c.IssuedBy, c.Person, c.Reason,
            c.Checklist is { Length: > 0 } list ? list.Split(',') : [], c.IssuedAt, state, error, AgentRefusal.Explain(error), firstAnswer?.At, c.NotSentReason);
    }

    /// <summary>The commands <paramref name="query"/> selects, each with its state derived from its first answer.</summary>
    public static async Task<List<CommandView>> LoadAsync(CloudDb db, IQueryable<CommandRecord> query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var commands = await query.AsNoTracking().ToListAsync(cancellationToken);
        if (commands.Count == 0)
        {
            return [];
        }

        var ids = commands.Select(c => c.CommandId).Distinct().ToList();
        var answers = await db.CommandResults.AsNoTracking().Where(r => ids.Contains(r.CommandId)).ToListAsync(cancellationToken);
        var first = answers.GroupBy(r => (r.AgentId, r.CommandId)).ToDictionary(g => g.Key, g => CommandOutcome.FirstAnswer(g));
        return commands.Select(c => Of(c, first.GetValueOrDefault((c.AgentId, c.CommandId)), now)).ToList();
    }
}
