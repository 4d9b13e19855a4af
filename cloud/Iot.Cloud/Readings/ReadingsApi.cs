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
    /// <summary>The longest period one request may ask for.</summary>
    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(800);

    public static IEndpointRouteBuilder MapReadingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Readings").ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(Policies.Staff);
        api.MapGet("/courtyards/{id}/latest", Latest).ForCourtyard();
        api.MapGet("/agents/{agent}/sensors/{sensor}/series", SensorSeries).ForAgent();
        api.MapGet("/agents/{agent}/sensors/{sensor}/gaps", SensorGaps).ForAgent();
        api.MapGet("/agents/{agent}/devices/{device}/series", DeviceSeries).ForAgent();
        api.MapGet("/courtyards/{id}/series", CourtyardSeries).ForCourtyard();
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

        if (Period.Parse(from, to, resolution, time.GetUtcNow(), MaxSpan) is not { } period)
        {
            return Bad("from/to/resolution", Period.Rules);
        }

        var points = await store.RangeAsync(agentId, sensorId, period.From, period.To, period.Resolution, ct);
        return TypedResults.Ok(new SeriesView(agent, sensor, period.From, period.To, WireNames.Of(period.Resolution), points));
    }

    private static async Task<Results<Ok<List<SeriesGap>>, ProblemHttpResult>> SensorGaps(string agent, string sensor, DateTimeOffset? from, DateTimeOffset? to, double? maxIntervalSeconds, ITimeSeriesStore store, TimeProvider time, CancellationToken ct)
    {
        if (!AgentId.TryParse(agent, out var agentId, out var problem) || !SensorId.TryParse(sensor, out var sensorId, out problem))
        {
            return Bad("agent/sensor", problem!);
        }

        if (Period.Parse(from, to, "raw", time.GetUtcNow(), MaxSpan) is not { } period || maxIntervalSeconds is not (null or (> 0 and <= 86_400 * 30)))
        {
            return Bad("from/to/maxIntervalSeconds", Period.Rules + " maxIntervalSeconds is between 0 and 30 days.");
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

        if (Period.Parse(from, to, resolution, time.GetUtcNow(), MaxSpan) is not { } period)
        {
            return Bad("from/to/resolution", Period.Rules);
        }

        var sensors = (await store.LatestAsync(row.CourtyardId, agentId, ct)).Where(l => l.Sensor.Device == deviceId);
        return TypedResults.Ok(await SeriesOf(store, sensors, period, ct));
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

        if (Period.Parse(from, to, resolution, time.GetUtcNow(), MaxSpan) is not { } period)
        {
            return Bad("from/to/resolution", Period.Rules);
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
        return TypedResults.Ok(await SeriesOf(store, sensors, period, ct));
    }

    private static async Task<List<SeriesView>> SeriesOf(ITimeSeriesStore store, IEnumerable<LatestReading> sensors, Period period, CancellationToken ct)
    {
        var result = new List<SeriesView>();
        foreach (var s in sensors)
        {
            var points = await store.RangeAsync(s.Agent, s.Sensor, period.From, period.To, period.Resolution, ct);
            result.Add(new SeriesView(s.Agent.Value, s.Sensor.Value, period.From, period.To, WireNames.Of(period.Resolution), points));
        }

        return result;
    }

    private static ProblemHttpResult Bad(string parameter, string detail) => Problems.Bad(parameter, Problems.Text(detail));
}

/// <summary>A validated query period. Defaults: the last 24 hours; resolution <c>auto</c> picks raw up to 6 h, minutes up to 7 days, else hours.</summary>
internal sealed record Period(DateTimeOffset From, DateTimeOffset To, Resolution Resolution)
{
    public const string Rules = "from and to are ISO 8601 times between 2000 and 2200 with from before to, at most 800 days apart; resolution is raw, minute, hour or auto.";

    public static Period? Parse(DateTimeOffset? from, DateTimeOffset? to, string? resolution, DateTimeOffset now, TimeSpan maxSpan)
    {
        if (!Dates.Plausible(from) || !Dates.Plausible(to))
        {
            return null;
        }

        var end = (to ?? now).ToUniversalTime();
        var start = (from ?? end.AddDays(-1)).ToUniversalTime();
        if (start >= end || end - start > maxSpan)
        {
            return null;
        }

        Resolution r;
        switch (resolution ?? "auto")
        {
            case "auto":
                r = end - start <= TimeSpan.FromHours(6) ? Resolution.Raw : end - start <= TimeSpan.FromDays(7) ? Resolution.Minute : Resolution.Hour;
                break;
            case var text when WireNames.TryParse<Resolution>(text, out var parsed):
                r = parsed;
                break;
            default:
                return null;
        }

        return new Period(start, end, r);
    }
}

public sealed record LatestView(string Agent, string Device, string Sensor, string Quantity, string Unit, double Value, DateTimeOffset At);

public sealed record SeriesView(string Agent, string Sensor, DateTimeOffset From, DateTimeOffset To, string Resolution, IReadOnlyList<SeriesPoint> Points);
