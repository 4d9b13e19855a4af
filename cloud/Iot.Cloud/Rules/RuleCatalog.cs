using Iot.Cloud.Audit;
using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Rules;

/// <summary>Reads, seeds and versions the stored rules.</summary>
public static class RuleCatalog
{
    /// <summary>The versions in force (enabled or not).</summary>
    public static Task<List<Rule>> CurrentAsync(CloudDb db, CancellationToken cancellationToken) =>
        db.Rules.AsNoTracking().Where(r => r.SupersededAt == null).OrderBy(r => r.Key).ThenBy(r => r.Scope).ToListAsync(cancellationToken);

    /// <summary>Writes the default rules whose key the site does not have yet; never touches edited ones.</summary>
    public static async Task<int> SeedDefaultsAsync(CloudDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var existing = await db.Rules.Where(r => r.Scope == "site").Select(r => r.Key).Distinct().ToListAsync(cancellationToken);
        var added = 0;
        foreach (var d in DefaultRules.All.Where(d => !existing.Contains(d.Key)))
        {
            db.Rules.Add(new Rule
            {
                Key = d.Key, Version = 1, Scope = "site", Name = d.Name, Kind = d.Kind, Target = d.Target, Fault = d.Fault, Severity = d.Severity,
                ParametersJson = d.Parameters.ToJson(), CreatedAt = now, CreatedBy = "system",
            });
            added++;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another cloud instance seeded the same rules at the same moment; theirs are as good as ours.
            db.ChangeTracker.Clear();
            return 0;
        }

        return added;
    }

    /// <summary>Stores a new version of the rule (key, scope), superseding the one in force; the audit log records who and what.</summary>
    public static async Task<Rule> SaveVersionAsync(CloudDb db, Rule draft, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(draft);
        var current = await db.Rules.Where(r => r.Key == draft.Key && r.Scope == draft.Scope && r.SupersededAt == null).FirstOrDefaultAsync(cancellationToken);
        if (current is not null)
        {
            current.SupersededAt = now;
        }

        draft.Version = (current?.Version ?? 0) + 1;
        draft.CreatedAt = now;
        draft.CreatedBy = by;
        db.Rules.Add(draft);
        db.AuditLog.Add(AuditEntry.Of(now, by, "rule", $"{draft.Key}@{draft.Scope}", current is null ? "created" : $"version:{draft.Version}",
            $"{draft.Name}; {draft.Kind}; {draft.Severity}; enabled {draft.Enabled}; {draft.ParametersJson}"));
        await db.SaveChangesAsync(cancellationToken);
        return draft;
    }
}
