using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iot.Cloud.Audit;

/// <summary>
/// The audit log is append-only in code as well as in the database (triggers in the RecordIntegrity migration refuse an
/// UPDATE or DELETE of <c>audit_log</c>): a save that would change or remove an entry is refused before it reaches
/// the database, naming the entry. The supervised company's record is what the community judges it by.
/// </summary>
public sealed class AuditAppendOnly : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Refuse(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Refuse(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Refuse(DbContext? db)
    {
        if (db?.ChangeTracker.Entries<AuditEntry>().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted) is { } changed)
        {
            throw new InvalidOperationException($"the audit log is append-only: entry {changed.Entity.Id} ({changed.Entity.Entity} {changed.Entity.EntityId} {changed.Entity.Action}) may not be {changed.State.ToString().ToLowerInvariant()}");
        }
    }
}
