using System.Globalization;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Reports;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Patrols;

/// <summary>A round as the phone sends it: its key, the courtyard, when it was walked and every item of the checklist.</summary>
public sealed record RoundRequest(string? Key, string? Courtyard, DateTimeOffset? WalkedAt, IReadOnlyList<CheckRequest>? Checks);

/// <summary>One item's answer; a failed item carries a note, a photo (sent beside it), or both.</summary>
public sealed record CheckRequest(string? Item, bool Ok, string? Note);

/// <summary>What became of a round: its id, and the work order each finding went to (made, or the one already open).</summary>
public sealed record RoundReceipt(long Id, string Courtyard, DateTimeOffset WalkedAt, IReadOnlyList<FindingReceipt> Findings);

/// <summary>A finding's work order.</summary>
public sealed record FindingReceipt(string Item, long WorkOrderId, string Number, bool New);

/// <summary>A patrol plan as the committee edits it.</summary>
public sealed record PlanRequest(PatrolFrequency? Frequency, IReadOnlyList<string>? Courtyards, IReadOnlyList<string>? Items);

/// <summary>
/// Block patrols (巡查): plans per block, and rounds walked in a courtyard. A failed item is a finding and goes the way
/// every fault goes: a work order routed to the courtyard's responsible party with the service level of its severity,
/// one open per item and courtyard (a second finding of the same thing is added to the open order, with its photo).
/// </summary>
public sealed class PatrolService(WorkOrderService orders, SiteRegistry registry, TimeProvider time)
{
    /// <summary>How long a round may wait on a phone without signal and still count when it arrives.</summary>
    public static readonly TimeSpan LongestOffline = TimeSpan.FromHours(48);

    /// <summary>A phone's clock may run this far ahead of the server's.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Takes a round (checked against the scope and the plan's checklist), opens or adds to the findings' orders. A round
    /// sent again with the same key answers the first one's receipt. Returns the receipt and the work-order changes.
    /// </summary>
    public async Task<(RoundReceipt? Receipt, bool IsNew, List<WorkOrderChange> Changes, (string Field, FormattableString Problem)? Refusal)> SubmitAsync(
        CloudDb db, AccessScope scope, long? teamId, RoundRequest body, IReadOnlyDictionary<string, ReducedPhoto> photos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(photos);
        if (!ReportKeys.IsValid(body.Key))
        {
            return Refuse("key", $"a round key has 16 to 64 letters, digits, - and _");
        }

        if (await db.PatrolRounds.AsNoTracking().Include(r => r.Checks).FirstOrDefaultAsync(r => r.Key == body.Key, cancellationToken) is { } earlier)
        {
            return (await ReceiptAsync(db, earlier, cancellationToken), false, [], null);
        }

        if (!CourtyardId.TryParse(body.Courtyard, out var courtyardId, out _) || !scope.Courtyard(courtyardId)
            || registry.Current?.Site.Courtyards.FirstOrDefault(c => c.Courtyard.Id == courtyardId) is not { } place)
        {
            return Refuse("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        var now = time.GetUtcNow();
        var walkedAt = body.WalkedAt ?? now;
        if (walkedAt > now + ClockSkew || walkedAt < now - LongestOffline)
        {
            return Refuse("walkedAt", $"a round is sent within {LongestOffline.TotalHours:0} hours of walking it, and not from the future (walkedAt {walkedAt:O}, now {now:O})");
        }

        var block = place.Courtyard.Block.Value;
        var plan = await db.PatrolPlans.AsNoTracking().FirstOrDefaultAsync(p => p.BlockId == block, cancellationToken);
        var checklist = plan?.Items ?? [.. PatrolItems.Default];
        var checks = body.Checks ?? [];
        if (checks.FirstOrDefault(c => c.Item is null || !checklist.Contains(c.Item)) is { } stranger)
        {
            return Refuse("checks", $"'{stranger.Item}' is not on this courtyard's checklist ({string.Join(", ", checklist)})");
        }

        if (checks.GroupBy(c => c.Item).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return Refuse("checks", $"'{twice.Key}' is answered twice");
        }

        if (checklist.FirstOrDefault(i => checks.All(c => c.Item != i)) is { } missing)
        {
            return Refuse("checks", $"'{missing}' is not answered: a round answers every item of the checklist ({string.Join(", ", checklist)})");
        }

        if (checks.FirstOrDefault(c => c.Note?.Length > 500) is { } wordy)
        {
            return Refuse("checks", $"the note on '{wordy.Item}' is longer than 500 characters");
        }

        if (checks.FirstOrDefault(c => !c.Ok && string.IsNullOrWhiteSpace(c.Note) && !photos.ContainsKey(c.Item!)) is { } bare)
        {
            return Refuse("checks", $"'{bare.Item}' failed: say what is wrong with a note or a photo");
        }

        if (photos.Keys.FirstOrDefault(k => checks.All(c => c.Item != k || c.Ok)) is { } stray)
        {
            return Refuse("photos", $"a photo for '{stray}', which is not a failed item of this round");
        }

        var by = scope.Name ?? "unknown";
        var round = new PatrolRound
        {
            Key = body.Key!, CourtyardId = courtyardId, BlockId = block, CommunityId = place.Community.Id.Value, PartyId = place.Courtyard.Responsible!.Value.Value,
            By = by, ByRole = scope.Role!.Value, TeamId = teamId, WalkedAt = Min(walkedAt, now), ReceivedAt = now, Failed = checks.Count(c => !c.Ok),
            Checks = [.. checklist.Select(i => checks.Single(c => c.Item == i)).Select(c => new PatrolCheck { Item = c.Item!, Ok = c.Ok, Note = string.IsNullOrWhiteSpace(c.Note) ? null : c.Note.Trim() })],
        };
        db.PatrolRounds.Add(round);

        var changes = new List<WorkOrderChange>();
        var findings = new List<(PatrolCheck Check, WorkOrder Order, bool New)>();
        foreach (var check in round.Checks.Where(c => !c.Ok))
        {
            var (order, change, made) = await FindingAsync(db, round, check, by, cancellationToken);
            changes.Add(change);
            findings.Add((check, order, made));
            if (photos.TryGetValue(check.Item, out var photo))
            {
                Photos.Attach(db, order.Id, photo, $"patrol-{check.Item}", by, now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (check, order, _) in findings)
        {
            check.WorkOrderId = order.Id;
        }

        db.AuditLog.Add(AuditEntry.Of(now, by, "patrolRound", courtyardId.Value, "walked",
            $"round {round.Id.ToString(CultureInfo.InvariantCulture)}: {round.Checks.Count} items, {round.Failed} failed{(walkedAt < now - TimeSpan.FromMinutes(5) ? $", walked {walkedAt:O}" : string.Empty)}"));
        return (new RoundReceipt(round.Id, courtyardId.Value, round.WalkedAt, [.. findings.Select(f => new FindingReceipt(f.Check.Item, f.Order.Id, f.Order.Number, f.New))]), true, changes, null);
    }

    /// <summary>
    /// Makes or replaces a block's plan (the committee of its community, or the street office). Neither plan nor
    /// refusal: there is no such block in the caller's scope.
    /// </summary>
    public async Task<(PatrolPlan? Plan, (string Field, FormattableString Problem)? Refusal)> SavePlanAsync(CloudDb db, AccessScope scope, string blockId, PlanRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(body);
        var community = registry.Current?.Site.Communities.FirstOrDefault(c => c.Blocks.Any(b => b.Id.Value == blockId));
        var inBlock = community?.Courtyards.Where(c => c.Block.Value == blockId && scope.Courtyard(c.Id)).Select(c => c.Id.Value).ToList() ?? [];
        if (community is null || inBlock.Count == 0)
        {
            return (null, null);
        }

        if (body.Frequency is not { } frequency || !Enum.IsDefined(frequency))
        {
            return (null, ("frequency", (FormattableString)$"frequency is daily or weekly"));
        }

        var courtyards = body.Courtyards ?? [];
        if (courtyards.Count == 0)
        {
            return (null, ("courtyards", (FormattableString)$"a plan walks at least one courtyard of the block"));
        }

        if (courtyards.FirstOrDefault(c => !inBlock.Contains(c)) is { } outside)
        {
            return (null, ("courtyards", (FormattableString)$"'{outside}' is not a courtyard of block '{blockId}'"));
        }

        var items = body.Items ?? [];
        if (items.Count == 0)
        {
            return (null, ("items", (FormattableString)$"a checklist has at least one item"));
        }

        if (items.FirstOrDefault(i => PatrolItems.Find(i) is null) is { } unknown)
        {
            return (null, ("items", (FormattableString)$"'{unknown}' is not a checklist item; use {string.Join(", ", PatrolItems.Default)}"));
        }

        var now = time.GetUtcNow();
        var plan = await db.PatrolPlans.FirstOrDefaultAsync(p => p.BlockId == blockId, cancellationToken);
        var made = plan is null;
        plan ??= db.PatrolPlans.Add(new PatrolPlan { BlockId = blockId, CommunityId = community.Id.Value, Since = now, UpdatedBy = string.Empty }).Entity;
        plan.Frequency = frequency;
        plan.Courtyards = [.. courtyards.Distinct().Select(CourtyardId.Parse)];
        plan.Items = [.. PatrolItems.Default.Where(items.Contains)];
        plan.UpdatedAt = now;
        plan.UpdatedBy = scope.Name ?? "unknown";
        plan.Version++;
        db.AuditLog.Add(AuditEntry.Of(now, plan.UpdatedBy, "patrolPlan", blockId, made ? "created" : "changed",
            $"{WireNamesOf(frequency)}: {string.Join(' ', plan.Courtyards.Select(c => c.Value))}; {string.Join(' ', plan.Items)}"));
        await db.SaveChangesAsync(cancellationToken);
        return (plan, null);
    }

    // The finding's order: the one open for this item and courtyard, else a new one.
    private async Task<(WorkOrder Order, WorkOrderChange Change, bool New)> FindingAsync(CloudDb db, PatrolRound round, PatrolCheck check, string by, CancellationToken cancellationToken)
    {
        var item = PatrolItems.Find(check.Item)!;
        var fault = PatrolItems.Fault(item.Key);
        var subject = PatrolItems.Subject(round.CourtyardId.Value, item.Key);
        var open = db.WorkOrders.Local.FirstOrDefault(w => w.Fault == fault && w.Subject == subject && w.IsOpen)
            ?? await db.WorkOrders.FirstOrDefaultAsync(w => w.Fault == fault && w.Subject == subject && w.ClosedAt == null && w.CancelledAt == null, cancellationToken);
        var words = check.Note is { } note ? $"{note}" : "(photo)";
        if (open is not null)
        {
            return (open, orders.Comment(db, open, by, $"巡查再次发现 / found again on patrol: {words}"), false);
        }

        var change = await orders.CreateAsync(db, WorkOrderSource.Patrol, round.CourtyardId, "other", subject, fault, item.Severity, item.Title, check.Note, by, null, null, cancellationToken);
        return (change.Order, change, true);
    }

    private static async Task<RoundReceipt> ReceiptAsync(CloudDb db, PatrolRound round, CancellationToken cancellationToken)
    {
        var ids = round.Checks.Where(c => c.WorkOrderId is not null).Select(c => c.WorkOrderId!.Value).ToList();
        var numbers = await db.WorkOrders.AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Number, cancellationToken);
        return new RoundReceipt(round.Id, round.CourtyardId.Value, round.WalkedAt, [.. round.Checks.Where(c => c.WorkOrderId is not null)
            .Select(c => new FindingReceipt(c.Item, c.WorkOrderId!.Value, numbers.GetValueOrDefault(c.WorkOrderId!.Value, string.Empty), false))]);
    }

    private static string WireNamesOf(PatrolFrequency frequency) => Iot.Protocol.Messages.WireNames.Of(frequency);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static (RoundReceipt?, bool, List<WorkOrderChange>, (string, FormattableString)?) Refuse(string field, FormattableString problem) => (null, false, [], (field, problem));
}
