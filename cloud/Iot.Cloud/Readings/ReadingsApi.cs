using Iot.Cloud.Api;
using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Iot.Cloud.TimeSeries;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Readings;

/// <summary>The latest state of every device, and series for a sensor, a device or a courtyard over a period.</summary>
public static class ReadingsApi
{
    /// <summary>The longest period the gaps of a sensor may be asked for (only the gaps travel back).</summary>
    private static readonly TimeSpan MaxGapsSpan = TimeSpan.FromDays(800);

    /// <summary>The per-account limit of concurrent series queries.</summary>
    public static IHostApplicationBuilder AddReadings(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<HeavyQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapReadingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Readings").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/courtyards/{id}/latest", Latest).ForCourtyard();
        api.MapGet("/agents/{agent}/sensors/{sensor}/series", SensorSeries).ForAgent().HeavyQuery();
        api.MapGet("/agents/{agent}/sensors/{sensor}/gaps", SensorGaps).ForAgent().HeavyQuery();
        api.MapGet("/agents/{agent}/devices/{device}/series", DeviceSeries).ForAgent().HeavyQuery();
        api.MapGet("/courtyards/{id}/series", CourtyardSeries).ForCourtyard().HeavyQuery();
        return app;
    }

    private static async Task<Results<Ok<List<LatestView>>, NotFound, ProblemHttpResult>> Latest(string id, string? agent, CloudDb db, ITimeSeriesStore store, CancellationToken ct)
    {
        if (!CourtyardId.TryParse(id, out var courtyard, out var problem))
        {
            return Bad("id", problem!);
        }

        AgentId? agentId = null;
        if (agent is not null)
        {
            if (!AgentId.TryParse(agent, out var a, out problem))
            {
                return Bad("agent", problem!);
            }

            agentId = a;
        }

        if (!await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return TypedResults.NotFound();
        }

        var latest = await store.LatestAsync(courtyard, agentId, ct);
        return TypedResults.Ok(latest.Select(l => new LatestView(l.Agent.Value, l.Sensor.Device.Value, l.Sensor.Value, WireNames.Of(l.Quantity), Quantities.UnitOf(l.Quantity), l.Value, l.At)).ToList());
    }

    private static async Task<Results<Ok<SeriesView>, ProblemHttpResult>> SensorSeries(string agent, string sensor, DateTimeOffset? from, DateTimeOffset? to, string? resolution, ITimeSeriesStore store, TimeProvider time, CancellationToken ct)
    {
        if (!AgentId.TryParse(agent, out var agentId, out var problem))
        {
            return Bad("agent", problem!);
        }

        if (!SensorId.TryParse(sensor, out var sensorId, out problem))
        {
            return Bad("sensor", problem!);
        }

        var (period, refused) = Period.Parse(from, to, resolution, time.GetUtcNow());
        if (period is null)
        {
            return Problems.Bad("from/to/resolution", refused!);
        }

        var points = await store.RangeAsync(agentId, sensorId, period.From, period.To, period.Resolution, ct);
        return points.Count > SeriesLimit.MaxPoints
            ? TooMany()
            : TypedResults.Ok(new SeriesView(agent, sensor, period.From, period.To, WireNames.Of(period.Resolution), points));
    }

    private static async Task<Results<Ok<List<SeriesGap>>, ProblemHttpResult>> SensorGaps(string agent, string sensor, DateTimeOffset? from, DateTimeOffset? to, double? maxIntervalSeconds, ITimeSeriesStore store, TimeProvider time, CancellationToken ct)
    {
        if (!AgentId.TryParse(agent, out var agentId, out var problem) || !SensorId.TryParse(sensor, out var sensorId, out problem))
        {
            return Bad("agent/sensor", problem!);
        }

        if (Period.Range(from, to, time.GetUtcNow(), MaxGapsSpan) is not { } period || maxIntervalSeconds is not (null or (> 0 and <= 86_400 * 30)))
        {
            return Bad("from/to/maxIntervalSeconds", Period.Rules + " They are at most 800 days apart, and maxIntervalSeconds is between 0 and 30 days.");
        }

        return TypedResults.Ok((await store.GapsAsync(agentId, sensorId, period.From, period.To, TimeSpan.FromSeconds(maxIntervalSeconds ?? 60), ct)).ToList());
    }

    private static async Task<Results<Ok<List<SeriesView>>, NotFound, ProblemHttpResult>> DeviceSeries(string agent, string device, DateTimeOffset? from, DateTimeOffset? to, string? resolution, CloudDb db, ITimeSeriesStore store, TimeProvider time, CancellationToken ct)
    {
        if (!AgentId.TryParse(agent, out var agentId, out _) || !DeviceId.TryParse(device, out var deviceId, out _))
        {
            return TypedResults.NotFound();
        }

        var row = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.Id == agentId, ct);
        if (row is null || !await db.Devices.AnyAsync(d => d.AgentId == agentId && d.Id == deviceId, ct))
        {
            return TypedResults.NotFound();
        }

        var (period, refused) = Period.Parse(from, to, resolution, time.GetUtcNow());
        if (period is null)
        {
            return Problems.Bad("from/to/resolution", refused!);
        }

        var sensors = (await store.LatestAsync(row.CourtyardId, agentId, ct)).Where(l => l.Sensor.Device == deviceId);
        return await SeriesOf(store, sensors, period, ct) is { } series ? TypedResults.Ok(series) : TooMany();
    }

    private static async Task<Results<Ok<List<SeriesView>>, NotFound, ProblemHttpResult>> CourtyardSeries(string id, DateTimeOffset? from, DateTimeOffset? to, string? resolution, string? quantity, CloudDb db, ITimeSeriesStore store, TimeProvider time, CancellationToken ct)
    {
        if (!CourtyardId.TryParse(id, out var courtyard, out var problem))
        {
            return Bad("id", problem!);
        }

        if (!await db.Courtyards.AnyAsync(c => c.Id == courtyard, ct))
        {
            return TypedResults.NotFound();
        }

        var (period, refused) = Period.Parse(from, to, resolution, time.GetUtcNow());
        if (period is null)
        {
            return Problems.Bad("from/to/resolution", refused!);
        }

        Quantity? wanted = null;
        if (quantity is not null)
        {
            if (!WireNames.TryParse<Quantity>(quantity, out var q))
            {
                return Bad("quantity", $"unknown quantity '{quantity}'; known: {string.Join(", ", WireNames.All<Quantity>())}");
            }

            wanted = q;
        }

        var sensors = (await store.LatestAsync(courtyard, null, ct)).Where(l => wanted is null || l.Quantity == wanted);
        return await SeriesOf(store, sensors, period, ct) is { } series ? TypedResults.Ok(series) : TooMany();
    }

    /// <summary>The series of several sensors, or null as soon as they hold more than <see cref="SeriesLimit.MaxPoints"/> points together.</summary>
    private static async Task<List<SeriesView>?> SeriesOf(ITimeSeriesStore store, IEnumerable<LatestReading> sensors, Period period, CancellationToken ct)
    {
        var result = new List<SeriesView>();
        var total = 0;
        foreach (var s in sensors)
        {
            var points = await store.RangeAsync(s.Agent, s.Sensor, period.From, period.To, period.Resolution, ct);
            total += points.Count;
            if (total > SeriesLimit.MaxPoints)
            {
                return null;
            }

            result.Add(new SeriesView(s.Agent.Value, s.Sensor.Value, period.From, period.To, WireNames.Of(period.Resolution), points));
        }

        return result;
    }

    private static ProblemHttpResult TooMany() =>
        Problems.Bad("from/to/resolution", $"the answer would hold more than {SeriesLimit.MaxPoints} points; ask for a coarser resolution (minute, then hour), a shorter period or, for a courtyard, one quantity");

    private static ProblemHttpResult Bad(string parameter, string detail) => Problems.Bad(parameter, Problems.Text(detail));
}

/// <summary>
/// A validated query period. Defaults: the last 24 hours; resolution <c>auto</c> picks raw up to 6 h, minutes up to
/// <see cref="MinuteSpan"/>, else hours. Each resolution has its longest period, so no answer passes
/// <see cref="SeriesLimit.MaxPoints"/> points a sensor (raw: 2 days, and the point count is checked after the query).
/// </summary>
internal sealed record Period(DateTimeOffset From, DateTimeOffset To, Resolution Resolution)
{
    public const string Rules = "from and to are ISO 8601 times between 2000 and 2200 with from before to; resolution is raw, minute, hour or auto.";

    /// <summary>The longest raw period.</summary>
    public static readonly TimeSpan RawSpan = TimeSpan.FromDays(2);

    /// <summary>The longest period in minutes: one point a minute, at most <see cref="SeriesLimit.MaxPoints"/>.</summary>
    public static readonly TimeSpan MinuteSpan = TimeSpan.FromMinutes(SeriesLimit.MaxPoints);

    /// <summary>The longest period in hours (about 416 days).</summary>
    public static readonly TimeSpan HourSpan = TimeSpan.FromHours(SeriesLimit.MaxPoints);

    // In whole tenths of a day, rounded down, so the figure the message gives is itself allowed.
    private static readonly double RawDays = RawSpan.TotalDays;
    private static readonly double MinuteDays = Math.Floor(MinuteSpan.TotalDays * 10) / 10;
    private static readonly double HourDays = Math.Floor(HourSpan.TotalDays);

    /// <summary>The period, or why it is refused (naming the limit and the resolution to ask for instead).</summary>
    public static (Period? Period, FormattableString? Problem) Parse(DateTimeOffset? from, DateTimeOffset? to, string? resolution, DateTimeOffset now)
    {
        if (Range(from, to, now, TimeSpan.MaxValue) is not { } range)
        {
            return (null, Problems.Text(Rules));
        }

        var span = range.To - range.From;
        Resolution r;
        switch (resolution ?? "auto")
        {
            case "auto":
                r = span <= TimeSpan.FromHours(6) ? Resolution.Raw : span <= MinuteSpan ? Resolution.Minute : Resolution.Hour;
                break;
            case var text when WireNames.TryParse<Resolution>(text, out var parsed):
                r = parsed;
                break;
            default:
                return (null, Problems.Text(Rules));
        }

        FormattableString? tooLong = r switch
        {
            Resolution.Raw when span > RawSpan => $"resolution=raw is limited to {RawDays} days; ask for resolution=minute for up to {MinuteDays} days, or resolution=hour for up to {HourDays} days",
            Resolution.Minute when span > MinuteSpan => $"resolution=minute is limited to {MinuteDays} days ({SeriesLimit.MaxPoints} points); ask for resolution=hour for up to {HourDays} days",
            Resolution.Hour when span > HourSpan => $"a series is limited to {HourDays} days ({SeriesLimit.MaxPoints} hourly points); ask for a shorter period",
            _ => null,
        };
        return tooLong is null ? (range with { Resolution = r }, null) : (null, tooLong);
    }

    /// <summary>from and to, defaulted (the last 24 hours) and checked, at most <paramref name="maxSpan"/> apart; the resolution is raw.</summary>
    public static Period? Range(DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan maxSpan)
    {
        if (!Dates.Plausible(from) || !Dates.Plausible(to))
        {
            return null;
        }

        var end = (to ?? now).ToUniversalTime();
        var start = (from ?? end.AddDays(-1)).ToUniversalTime();
        return start >= end || end - start > maxSpan ? null : new Period(start, end, Resolution.Raw);
    }
}

public sealed record LatestView(string Agent, string Device, string Sensor, string Quantity, string Unit, double Value, DateTimeOffset At);

public sealed record SeriesView(string Agent, string Sensor, DateTimeOffset From, DateTimeOffset To, string Resolution, IReadOnlyList<SeriesPoint> Points);
