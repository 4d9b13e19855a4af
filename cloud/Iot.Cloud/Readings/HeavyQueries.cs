using System.Threading.RateLimiting;
using Iot.Cloud.Api;

namespace Iot.Cloud.Readings;

/// <summary>
/// Series and gap queries read thousands of rows each: an account runs at most <see cref="PerAccount"/> of them at
/// once, and one more is refused at once (429, no queue), so one account cannot tie up the database for everyone.
/// </summary>
public sealed class HeavyQueries : IDisposable
{
    /// <summary>Queries one account may have running at the same time.</summary>
    public const int PerAccount = 2;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetConcurrencyLimiter(account, _ => new ConcurrencyLimiterOptions { PermitLimit = PerAccount, QueueLimit = 0 }));

    /// <summary>A place for one query of <paramref name="account"/>, or null when it has <see cref="PerAccount"/> running.</summary>
    public IDisposable? TryEnter(string account)
    {
        var lease = _limiter.AttemptAcquire(account);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>The endpoint filter that holds a <see cref="HeavyQueries"/> place while the query runs.</summary>
public static class HeavyQueryFilter
{
    public static RouteHandlerBuilder HeavyQuery(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            using var place = context.HttpContext.RequestServices.GetRequiredService<HeavyQueries>().TryEnter(Actor.Of(context.HttpContext));
            return place is null
                ? Problems.Of(StatusCodes.Status429TooManyRequests, "Too many queries at once", $"at most {HeavyQueries.PerAccount} series queries of one account run at a time; wait for one to finish and ask again")
                : await next(context);
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);
}
