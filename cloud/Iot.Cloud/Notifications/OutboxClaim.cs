using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Notifications;

/// <summary>
/// Takes due messages for one instance with a lease, so each goes out once however many instances run. On PostgreSQL
/// one statement claims with <c>FOR UPDATE SKIP LOCKED</c>: two instances never wait on, nor take, the same row. SQLite
/// serves a single instance, where a plain read and update suffice.
/// </summary>
public static class OutboxClaim
{
    /// <summary>Leases up to <paramref name="limit"/> due messages, skipping <paramref name="busyChannels"/>; returns their ids.</summary>
    public static async Task<List<long>> ClaimAsync(CloudDb db, string owner, DateTimeOffset now, TimeSpan lease, string[] busyChannels, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var until = now + lease;
        if (db.Database.IsNpgsql())
        {
            return await db.Database.SqlQuery<long>($"""
                UPDATE notifications SET "LeaseOwner" = {owner}, "LeasedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM notifications
                    WHERE "DeliveredAt" IS NULL AND "FailedAt" IS NULL AND "NextAttemptAt" <= {now}
                      AND ("LeasedUntil" IS NULL OR "LeasedUntil" < {now})
                      AND NOT ("Channel" = ANY({busyChannels}))
                    ORDER BY "Id" LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                RETURNING "Id"
                """).ToListAsync(cancellationToken);
        }

        var due = await db.Notifications
            .Where(n => n.DeliveredAt == null && n.FailedAt == null && n.NextAttemptAt <= now && (n.LeasedUntil == null || n.LeasedUntil < now) && !busyChannels.Contains(n.Channel))
            .OrderBy(n => n.Id).Take(limit).ToListAsync(cancellationToken);
        foreach (var n in due)
        {
            n.LeaseOwner = owner;
            n.LeasedUntil = until;
        }

        await db.SaveChangesAsync(cancellationToken);
        return due.Select(n => n.Id).ToList();
    }
}
