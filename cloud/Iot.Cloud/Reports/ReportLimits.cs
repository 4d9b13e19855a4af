using System.Threading.RateLimiting;
using Iot.Cloud.Auth;
using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Reports;

/// <summary>How many resident reports are accepted (section <c>Reports</c>).</summary>
public sealed class ReportLimitOptions
{
    public const string Section = "Reports";

    /// <summary>Reports (and photos) one client address may send per hour.</summary>
    public int PerClientPerHour { get; set; } = 10;

    /// <summary>
    /// New orders residents may open in one courtyard per hour, from everyone (a QR code posted on a forum cannot flood a
    /// company). Reports that join an open order (<see cref="MergeWithin"/>) do not count.
    /// </summary>
    public int PerCourtyardPerHour { get; set; } = 30;

    /// <summary>Tracking-page look-ups per client address per minute (codes cannot be guessed by brute force).</summary>
    public int LookupsPerClientPerMinute { get; set; } = 60;

    /// <summary>
    /// A report of a fault that residents reported in the same courtyard and category this long ago or less, and that is
    /// not repaired yet, joins that order instead of opening another (so a flood of reports is one order with a count).
    /// </summary>
    public TimeSpan MergeWithin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reports one client address (IPv6: its /64) may send per hour without a solved challenge (<see cref="ReportChallenge"/>).</summary>
    public int FreeReportsPerClient { get; set; } = 3;

    /// <summary>Zero bits the challenge's hash must start with: 14 is about 16,000 hashes, under a second in a phone's browser.</summary>
    public int ChallengeBits { get; set; } = 14;

    /// <summary>How long a challenge stays good (a report form may stay open a while).</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>
/// Abuse resistance for the public report form and API: a per-client limit through the ASP.NET Core rate-limiting
/// middleware (policy <see cref="Policy"/>), and a per-courtyard limit checked where the courtyard is known.
/// </summary>
public sealed class ReportLimits : IDisposable
{
    /// <summary>The rate-limiter policy of every public report endpoint and page.</summary>
    public const string Policy = "reports";

    private readonly PartitionedRateLimiter<string> _courtyards;
    private readonly PartitionedRateLimiter<string> _clients;
    private readonly PartitionedRateLimiter<string> _free;

    private readonly TimeProvider _time;
    private readonly TimeSpan _mergeWithin;

    public ReportLimits(IOptions<ReportLimitOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _courtyards = Hourly(options.Value.PerCourtyardPerHour);
        _clients = Hourly(options.Value.PerClientPerHour);
        _free = Hourly(options.Value.FreeReportsPerClient);
        _time = time;
        _mergeWithin = options.Value.MergeWithin;
    }

    /// <summary>Now, on the business clock.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Orders residents opened since then take further reports of their fault (<see cref="ReportLimitOptions.MergeWithin"/>).</summary>
    public DateTimeOffset MergeSince() => Now - _mergeWithin;

    /// <summary>Takes one new order from the courtyard's hourly allowance; false when it is used up.</summary>
    public bool TryTake(string courtyard)
    {
        using var lease = _courtyards.AttemptAcquire(courtyard);
        return lease.IsAcquired;
    }

    /// <summary>
    /// Takes one report from a client's hourly allowance (<see cref="LimitsReportsItselfAttribute"/>): the page refuses
    /// with its own form, the resident's entries kept, where the middleware would answer a bare 429, and neither counts
    /// a resend of a report already made.
    /// </summary>
    public bool TryTakeClient(string client)
    {
        using var lease = _clients.AttemptAcquire(client);
        return lease.IsAcquired;
    }

    /// <summary>Takes one report from a client's hourly allowance of reports that need no challenge; false when it is used up.</summary>
    public bool TryTakeFree(string client)
    {
        using var lease = _free.AttemptAcquire(client);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _free.Dispose();
        _courtyards.Dispose();
        _clients.Dispose();
    }

    private static PartitionedRateLimiter<string> Hourly(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));

    /// <summary>The API's refusal when an allowance is used up.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(FormattableString detail) =>
        Api.Problems.Of(StatusCodes.Status429TooManyRequests, "Too many reports", detail);
}

/// <summary>
/// Marks a page or endpoint that counts the reports posted to it itself (<see cref="ReportLimits.TryTakeClient"/>), after
/// a resend has been recognised by its key, so that the rate-limiting middleware lets its posts through to it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LimitsReportsItselfAttribute : Attribute;

/// <summary>Wires the report limits.</summary>
public static class ReportLimitsSetup
{
    public static IHostApplicationBuilder AddReportLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ReportLimitOptions>().BindConfiguration(ReportLimitOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ReportLimitOptions>, ReportLimitOptionsValidator>();
        builder.Services.AddSingleton<ReportLimits>();
        builder.Services.AddSingleton<ReportChallenge>();
        var options = builder.Configuration.GetSection(ReportLimitOptions.Section).Get<ReportLimitOptions>() ?? new ReportLimitOptions();
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(Policy, http =>
        {
            var client = AuthSetup.ClientKey(http);
            if (HttpMethods.IsPost(http.Request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<LimitsReportsItselfAttribute>() is not null)
            {
                return RateLimitPartition.GetNoLimiter("counted-by-the-endpoint");
            }

            return HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter($"post:{client}", _ => new FixedWindowRateLimiterOptions { PermitLimit = options.PerClientPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 })
                : RateLimitPartition.GetFixedWindowLimiter($"get:{client}", _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LookupsPerClientPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        }));
        return builder;
    }

    private const string Policy = ReportLimits.Policy;
}

/// <summary>Checks the report limits (each problem names its key).</summary>
public sealed class ReportLimitOptionsValidator : IValidateOptions<ReportLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(ReportLimitOptions.Section)
            .Require(options.PerClientPerHour >= 1, nameof(options.PerClientPerHour), $"is {options.PerClientPerHour}; it must be at least 1")
            .Require(options.PerCourtyardPerHour >= 1, nameof(options.PerCourtyardPerHour), $"is {options.PerCourtyardPerHour}; it must be at least 1")
            .Require(options.LookupsPerClientPerMinute >= 1, nameof(options.LookupsPerClientPerMinute), $"is {options.LookupsPerClientPerMinute}; it must be at least 1")
            .Within(nameof(options.MergeWithin), options.MergeWithin, TimeSpan.Zero, TimeSpan.FromDays(7))
            .Within(nameof(options.FreeReportsPerClient), options.FreeReportsPerClient, 1, 100_000)
            .Within(nameof(options.ChallengeBits), options.ChallengeBits, 1, 24)
            .Within(nameof(options.ChallengeLifetime), options.ChallengeLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))
            .Result;
    }
}
