using Iot.Cloud.Api;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Sites;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Reports;

/// <summary>
/// Faults reported by residents (no account): each becomes a work order routed like any other, and the resident gets a
/// tracking code and a status in plain words. No personal data comes back out.
/// </summary>
public static class ReportsApi
{
    private static readonly Dictionary<string, (string Target, string Fault, Severity Severity, string Title)> Categories = new()
    {
        ["lamp"] = ("streetlight", "reported-lamp", Severity.Major, "居民报修：路灯"),
        ["gate"] = ("gate", "reported-gate", Severity.Major, "居民报修：门禁"),
        ["drain"] = ("drain", "reported-drain", Severity.Major, "居民报修：排水"),
        ["charger"] = ("charger", "reported-charger", Severity.Critical, "居民报修：充电桩"),
        ["other"] = ("other", "reported-other", Severity.Minor, "居民报修：其他"),
    };

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        // Residents have no account: open to all, limited per client and per courtyard.
        var api = app.MapGroup("/api/reports").WithTags("Resident reports").ProducesProblem(StatusCodes.Status400BadRequest).AllowAnonymous().RequireRateLimiting(ReportLimits.Policy);
        // Counted after the key is looked up, so that a resend of a report already made is answered, not refused.
        api.MapPost("/", Report).WithMetadata(new LimitsReportsItselfAttribute());
        api.MapGet("/challenge", Challenge);
        api.MapGet("/{code}", Track);
        api.MapPost("/{code}/photo", AddPhoto).DisableAntiforgery()
            .TakesOnePhoto();
        return app;
    }

    internal static async Task<Results<Created<ReportReceipt>, Ok<ReportReceipt>, ProblemHttpResult>> Report(ReportRequest body, HttpContext http, CloudDb db, Work work, WorkOrderService orders, ReportLimits limits, ReportChallenge challenges, CancellationToken ct)
    {
        if (body.Category is null || !Categories.TryGetValue(body.Category, out var category))
        {
            return Problems.Bad("category", $"category is one of {string.Join(", ", Categories.Keys)}");
        }

        if (!CourtyardId.TryParse(body.Courtyard, out var courtyard, out _) || !await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return Problems.Bad("courtyard", $"unknown courtyard '{body.Courtyard}'");
        }

        if (body.Text?.Length > 500)
        {
            return Problems.Bad("text", $"the description is at most 500 characters");
        }

        if (body.Phone is { Length: > 0 } phone && !IsPhone(phone))
        {
            return Problems.Bad("phone", $"a phone number has digits, spaces, + and - only (at most 20)");
        }

        if (body.Key is not null && !ReportKeys.IsValid(body.Key))
        {
            return Problems.Bad("key", $"a report key has 16 to 64 letters, digits, - and _");
        }

        // The same form sent again (a double tap, the phone's queue resending after a lost answer): the first report's receipt.
        if (await ReceiptForKeyAsync(db, body.Key, ct) is { } earlier)
        {
            return TypedResults.Ok(earlier);
        }

        var client = Auth.AuthSetup.ClientKey(http);
        if (!limits.TryTakeFree(client) && !challenges.TryRedeem(client, body.Challenge, body.Solution))
        {
            return ReportLimits.TooMany($"this address has sent several reports in the last hour: send the next with a solved challenge (GET /api/reports/challenge; challenge and solution in the report)");
        }

        if (!limits.TryTakeClient(client))
        {
            return ReportLimits.TooMany($"this address has sent many reports in the last hour. Please try again later.");
        }

        var saved = await SaveAsync(body, work, orders, limits, ct);
        return saved.Outcome switch
        {
            ReportOutcome.CourtyardBusy => ReportLimits.TooMany($"this courtyard has had many reports in the last hour. Please try again later."),
            ReportOutcome.Resent => TypedResults.Ok(saved.Receipt),
            _ => TypedResults.Created($"/api/reports/{saved.Receipt!.TrackingCode}", saved.Receipt),
        };
    }

    /// <summary>
    /// Saves a report already checked and counted against the client's allowance. A report of a fault that residents
    /// already reported in this courtyard within <see cref="ReportLimitOptions.MergeWithin"/>, and that is not fixed yet,
    /// joins that order with a tracking code of its own; otherwise it opens an order, if the courtyard's allowance of new
    /// orders lets it. <c>Resent</c>: the same key arrived at the same moment and the other request saved first.
    /// </summary>
    public static async Task<ReportSaved> SaveAsync(ReportRequest body, Work work, WorkOrderService orders, ReportLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            return await SaveOnceAsync(body, work, orders, limits, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another report joined the same order at the same moment: once more, on what is saved now.
            work.Db.ChangeTracker.Clear();
            return await SaveOnceAsync(body, work, orders, limits, ct);
        }
    }

    private static async Task<ReportSaved> SaveOnceAsync(ReportRequest body, Work work, WorkOrderService orders, ReportLimits limits, CancellationToken ct)
    {
        var db = work.Db;
        var category = Categories[body.Category!];
        var courtyard = CourtyardId.Parse(body.Courtyard!);
        WorkOrderChange change;
        string trackingCode;
        try
        {
            if (await OpenReportedAsync(db, courtyard, category.Fault, limits.MergeSince(), ct) is { } open)
            {
                // The same form arriving twice at once: the other request has just opened this very order with it.
                if (body.Key is not null && open.ReportKey == body.Key)
                {
                    return new(new ReportReceipt(open.TrackingCode!, open.Number, open.ResidentReports), ReportOutcome.Resent, open.Id);
                }

                trackingCode = WorkOrderService.NewTrackingCode();
                db.MergedReports.Add(new MergedReport { WorkOrderId = open.Id, At = limits.Now, TrackingCode = trackingCode, ReportKey = body.Key, Text = body.Text });
                change = orders.MergeReport(db, open, trackingCode, body.Phone);
            }
            else if (!limits.TryTake(courtyard.Value))
            {
                return new(null, ReportOutcome.CourtyardBusy, 0);
            }
            else
            {
                change = await orders.CreateAsync(db, WorkOrderSource.Resident, courtyard, category.Target, null, category.Fault, category.Severity, category.Title, body.Text, "resident", body.Phone, body.Key, ct);
                trackingCode = change.Order.TrackingCode!;
            }

            await work.RaiseAsync(new OrdersChanged([change]), ct);
            await work.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (body.Key is not null && e is not DbUpdateConcurrencyException)
        {
            // The unique index on the key: the other request's receipt.
            db.ChangeTracker.Clear();
            return await ReceiptForKeyAsync(db, body.Key, ct) is { } other ? new(other, ReportOutcome.Resent, 0) : throw new InvalidOperationException("a report key clashed with no saved report");
        }

        var outcome = change.Kind == WorkOrderChangeKind.ReportMerged ? ReportOutcome.Merged : ReportOutcome.New;
        return new(new ReportReceipt(trackingCode, change.Order.Number, change.Order.ResidentReports), outcome, change.Order.Id);
    }

    // The open order residents made for this fault in this courtyard recently, not yet repaired.
    private static Task<WorkOrder?> OpenReportedAsync(CloudDb db, CourtyardId courtyard, string fault, DateTimeOffset since, CancellationToken ct) =>
        db.WorkOrders
            .Where(w => w.Source == WorkOrderSource.Resident && w.CourtyardId == courtyard && w.Fault == fault && w.CreatedAt >= since
                && (w.Status == WorkOrderStatus.New || w.Status == WorkOrderStatus.Assigned || w.Status == WorkOrderStatus.InProgress || w.Status == WorkOrderStatus.WaitingForParts))
            .OrderByDescending(w => w.Id)
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// A challenge for this client's next report (needed beyond its first few an hour): find a decimal
    /// <c>solution</c> such that SHA-256 of <c>challenge:solution</c> in UTF-8 starts with <c>bits</c> zero bits.
    /// </summary>
    internal static Ok<ChallengeView> Challenge(HttpContext http, ReportChallenge challenges)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ChallengeView(challenges.Issue(Auth.AuthSetup.ClientKey(http)), challenges.Bits));
    }

    /// <summary>Digits, spaces, + and - only, at most 20 characters.</summary>
    public static bool IsPhone(string phone) =>
        phone.Length <= 20 && phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ');

    internal static async Task<Results<Ok<ReportStatus>, NotFound>> Track(string code, CloudDb db, CancellationToken ct)
    {
        var order = await OrderOfAsync(db.WorkOrders.AsNoTracking(), db, code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var courtyard = await db.Courtyards.AsNoTracking().Where(c => c.Id == order.CourtyardId).Select(c => c.Name).SingleAsync(ct);
        var party = await db.Parties.AsNoTracking().Where(p => p.Id == order.PartyId).Select(p => new { p.Name, p.Phone }).SingleOrDefaultAsync(ct);
        var (zh, en) = PlainWords(order);
        return TypedResults.Ok(new ReportStatus(
            code, order.Number, courtyard, order.Title, order.Status, zh, en, order.CreatedAt, order.FixedAt, order.ClosedAt ?? order.CancelledAt,
            order.Status is WorkOrderStatus.New or WorkOrderStatus.Assigned or WorkOrderStatus.InProgress or WorkOrderStatus.WaitingForParts ? order.FixDueAt : null,
            party?.Name ?? order.PartyId, party?.Phone, order.ResidentReports));
    }

    internal static async Task<Results<Ok, NotFound, ProblemHttpResult>> AddPhoto(string code, IFormFile photo, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        var order = await OrderOfAsync(db.WorkOrders, db, code, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (await db.WorkOrderAttachments.CountAsync(a => a.WorkOrderId == order.Id && a.By == "resident", ct) >= MaxPhotos)
        {
            return Problems.Conflict($"at most three photos per report");
        }

        // A large phone photo is reduced, not refused; only what is not a usable picture is.
        var (reduced, problem) = await Photos.ReadAsync(photo, ct);
        if (reduced is null)
        {
            return Problems.Bad("photo", problem!);
        }

        Photos.Attach(db, order.Id, reduced, photo.FileName, "resident", time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok();
    }

    /// <summary>Photos a resident may attach to one report.</summary>
    public const int MaxPhotos = 3;

    /// <summary>The receipt of the report made with <paramref name="key"/>, the first of its order or one that joined it.</summary>
    internal static async Task<ReportReceipt?> ReceiptForKeyAsync(CloudDb db, string? key, CancellationToken ct) =>
        key is null ? null
            : await db.WorkOrders.AsNoTracking().Where(w => w.ReportKey == key).Select(w => new ReportReceipt(w.TrackingCode!, w.Number, 1 + w.MergedReports)).SingleOrDefaultAsync(ct)
              ?? await db.MergedReports.AsNoTracking().Where(r => r.ReportKey == key)
                  .Join(db.WorkOrders, r => r.WorkOrderId, w => w.Id, (r, w) => new ReportReceipt(r.TrackingCode, w.Number, 1 + w.MergedReports)).SingleOrDefaultAsync(ct);

    /// <summary>The order a tracking code follows: the one its report opened, or the one it joined.</summary>
    public static async Task<WorkOrder?> OrderOfAsync(IQueryable<WorkOrder> orders, CloudDb db, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(db);
        var merged = db.Set<MergedReport>();
        return await orders.SingleOrDefaultAsync(w => w.TrackingCode == code, ct)
            ?? await orders.Where(w => merged.Any(r => r.TrackingCode == code && r.WorkOrderId == w.Id)).SingleOrDefaultAsync(ct);
    }

    /// <summary>The status as a resident should read it, in Chinese and English.</summary>
    public static (string Chinese, string English) PlainWords(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Status switch
        {
            WorkOrderStatus.New => ("已收到，等待安排维修", "Received; waiting to be scheduled"),
            WorkOrderStatus.Assigned => ("已派给维修人员", "Assigned to a repair worker"),
            WorkOrderStatus.InProgress => ("正在维修", "Being repaired"),
            WorkOrderStatus.WaitingForParts => ("正在等待配件", "Waiting for parts"),
            WorkOrderStatus.Fixed => ("已修好，正在确认", "Repaired; being checked"),
            WorkOrderStatus.Verified or WorkOrderStatus.Closed => ("已完成", "Done"),
            WorkOrderStatus.Cancelled => ($"已取消：{order.CancelReason}", $"Cancelled: {order.CancelReason}"),
            _ => ("处理中", "In hand"),
        };
    }
}

/// <summary>
/// A resident's report. <c>Key</c> is optional, of the sender's choosing (16 to 64 letters, digits, - and _): the same key
/// sent again answers with the first report's receipt. <c>Challenge</c> and <c>Solution</c>: a solved
/// <c>GET /api/reports/challenge</c>, needed beyond the first few reports an hour from one address.
/// </summary>
public sealed record ReportRequest(string? Courtyard, string? Category, string? Text = null, string? Phone = null, string? Key = null, string? Challenge = null, string? Solution = null);

/// <summary>A challenge and the zero bits its solution's hash must start with.</summary>
public sealed record ChallengeView(string Challenge, int Bits);

/// <summary>A report's tracking code and its order; <c>Residents</c>: how many residents have reported the same fault (this one included).</summary>
public sealed record ReportReceipt(string TrackingCode, string Number, int Residents = 1);

/// <summary>What came of saving a report.</summary>
public enum ReportOutcome
{
    /// <summary>It opened a work order.</summary>
    New,

    /// <summary>It joined the open order of the same fault.</summary>
    Merged,

    /// <summary>The same report was saved by a request that arrived at the same moment.</summary>
    Resent,

    /// <summary>The courtyard's allowance of new orders is used up.</summary>
    CourtyardBusy,
}

/// <summary>A saved report: its receipt (none when refused), what came of it, and its order's id.</summary>
public sealed record ReportSaved(ReportReceipt? Receipt, ReportOutcome Outcome, long OrderId);

/// <summary>
/// A report as its resident may see it. <c>ExpectedBy</c>: while the repair is still to come, when it is due by the
/// responsible party's service level. <c>Responsible</c> and <c>ResponsiblePhone</c>: the party and its published duty phone.
/// <c>Residents</c>: how many residents reported the fault (reports of the same fault share one order).
/// </summary>
public sealed record ReportStatus(
    string TrackingCode, string Number, string Courtyard, string Title, WorkOrderStatus Status, string StatusChinese, string StatusEnglish,
    DateTimeOffset ReportedAt, DateTimeOffset? FixedAt, DateTimeOffset? FinishedAt, DateTimeOffset? ExpectedBy, string Responsible, string? ResponsiblePhone, int Residents = 1);
