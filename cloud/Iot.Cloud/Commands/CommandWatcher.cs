using System.Data.Common;
using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Operations;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Commands;

/// <summary>
/// Follows what becomes of commands. Ingest stores every agent's answer in <c>command_results</c>; this looks every
/// second and (1) writes each command's first answer to the audit log, once across instances (the instance that
/// claims the command's <see cref="CommandRecord.ResultAuditedAt"/> writes it), and (2) announces state changes of
/// recent commands on the live feed, including the time for an answer running out. The looking is paced by the
/// real-time clock; states are measured on business time, so a fake clock in tests decides when 30 s have passed.
/// </summary>
public sealed partial class CommandWatcher(
    IServiceScopeFactory scopes, CommandFeed feed, TimeProvider time, [FromKeyedServices(Clocks.Retry)] TimeProvider pace, ILogger<CommandWatcher> logger) : BackgroundService
{
    /// <summary>How often answers are looked for.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long after it was issued a command's changes are still pushed to consoles (later ones show on reload).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, pace);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await LookAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
            {
                LogFailed(logger, e.Message); // the database is away: look again next time
            }
        }
    }

    /// <summary>One look: audit new answers, announce changed states.</summary>
    public async Task LookAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        await AuditAnswersAsync(db, cancellationToken);
        var since = time.GetUtcNow() - Window;
        feed.AnnounceChanges(await CommandView.LoadAsync(db, db.Commands.Where(c => c.IssuedAt >= since), time.GetUtcNow(), cancellationToken));
    }

    private async Task AuditAnswersAsync(CloudDb db, CancellationToken cancellationToken)
    {
        var results = db.CommandResults; // an expression tree cannot hold an extension property: the query takes the set itself
        var answered = await db.Commands.AsNoTracking()
            .Where(c => c.ResultAuditedAt == null && c.NotSentReason == null && results.Any(r => r.CommandId == c.CommandId && r.AgentId == c.AgentId))
            .OrderBy(c => c.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var command in answered)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.Commands.Where(c => c.Id == command.Id && c.ResultAuditedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ResultAuditedAt, time.GetUtcNow()), cancellationToken);
            if (claimed == 0)
            {
                continue; // another instance wrote it
            }

            var first = CommandOutcome.FirstAnswer(await db.CommandResults.AsNoTracking()
                .Where(r => r.CommandId == command.CommandId && r.AgentId == command.AgentId).ToListAsync(cancellationToken))!;
            db.AuditLog.Add(CommandAudit.Answered(command, first));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for command answers failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
