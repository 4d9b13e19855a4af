using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.WorkOrders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Ratings;

/// <summary><c>POST /api/work-orders/{id}/rating</c>: the community rates a repair once it is done.</summary>
public static class RatingsApi
{
    public static IEndpointRouteBuilder MapRatingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/work-orders/{id:long}/rating", Rate).WithTags("Work orders").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Rate).ForWorkOrder();
        return app;
    }

    /// <summary>Saves (or replaces) the caller's rating of a repaired order.</summary>
    public static async Task<Results<Ok<RatingView>, NotFound, ProblemHttpResult>> Rate(long id, RatingRequest body, HttpContext http, CloudDb db, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(db);
        var order = await db.WorkOrders.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        if (body.Score is < 1 or > 5 || body.Remark?.Length > 500)
        {
            return Problems.Bad("score", $"score is 1 (poor) to 5 (excellent); a remark is at most 500 characters");
        }

        var rating = await RepairRatings.RateAsync(db, order, Actor.Of(http), body.Score, body.Remark, time.GetUtcNow(), ct);
        if (rating is null)
        {
            return Problems.Conflict($"only a repaired order (fixed, verified or closed) can be rated");
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new RatingView(rating.WorkOrderId, rating.Score, rating.Remark, rating.By, rating.At));
    }
}

public sealed record RatingRequest(int Score, string? Remark = null);

public sealed record RatingView(long WorkOrderId, int Score, string? Remark, string By, DateTimeOffset At);
