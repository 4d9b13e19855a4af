using Iot.Cloud.Data;
using Iot.Cloud.Rules;

namespace Iot.Cloud.Alerts;

/// <summary>
/// The alerts' stage of the pipeline: turns an evaluation of the rules into alert changes (and, on a tick, the alerts'
/// own upkeep), saves them so they have ids, and raises <see cref="AlertsChanged"/> for the stages after.
/// </summary>
public sealed class AlertStage(AlertService alerts) : IHandles<RulesEvaluated>
{
    /// <inheritdoc />
    public async Task HandleAsync(RulesEvaluated e, Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(work);
        var changes = await alerts.ApplyAsync(work.Db, e.Transitions, cancellationToken);
        if (e.Swept)
        {
            changes.AddRange(await alerts.SweepAsync(work.Db, cancellationToken));
        }

        await work.Db.SaveChangesAsync(cancellationToken); // within the caller's transaction: orders refer to these ids
        if (changes.Count > 0 || e.Swept)
        {
            await work.RaiseAsync(new AlertsChanged(changes, e.Swept), cancellationToken);
        }
    }
}
