using Microsoft.Extensions.Options;

namespace Iot.Cloud.TimeSeries;

/// <summary>
/// Checks <see cref="TimeSeriesOptions"/> on start; every failure names its configuration key
/// (<c>TimeSeries:Influx:Url</c>, ...) so a wrong setting is found from the first line of the error.
/// </summary>
public sealed class TimeSeriesOptionsValidator : IValidateOptions<TimeSeriesOptions>
{
    private const string Prefix = TimeSeriesOptions.Section + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TimeSeriesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Backend))
        {
            failures.Add($"{Prefix}Backend must be Sqlite or Influx, not '{options.Backend}'.");
        }

        if (options.RawRetention < TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}RawRetention must be at least 1 hour (InfluxDB's shortest retention policy), not {options.RawRetention}.");
        }

        if (options.RawRetention > TimeSpan.FromDays(3650) || options.AggregateRetention > TimeSpan.FromDays(36500))
        {
            failures.Add($"{Prefix}RawRetention is at most 3650 days and {Prefix}AggregateRetention at most 36500 days, not {options.RawRetention} and {options.AggregateRetention}.");
        }

        if (options.MaxCachedSeries is < 100 or > 10_000_000)
        {
            failures.Add($"{Prefix}MaxCachedSeries must be between 100 and 10000000, not {options.MaxCachedSeries}.");
        }

        if (options.AggregateRetention < options.RawRetention)
        {
            failures.Add($"{Prefix}AggregateRetention ({options.AggregateRetention}) must be at least {Prefix}RawRetention ({options.RawRetention}): windows outlive the readings they summarize.");
        }

        if (options.Backend == TimeSeriesBackend.Sqlite && string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            failures.Add($"{Prefix}SqlitePath is empty; give a file such as data/timeseries.db.");
        }

        if (options.Backend == TimeSeriesBackend.Influx)
        {
            ValidateInflux(options.Influx, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateInflux(InfluxOptions influx, List<string> failures)
    {
        const string prefix = Prefix + "Influx:";
        if (influx.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{prefix}Url must be an absolute http:// or https:// address such as http://127.0.0.1:8086, not '{influx.Url}'.");
        }

        if (string.IsNullOrWhiteSpace(influx.Database))
        {
            failures.Add($"{prefix}Database is empty; give the database (1.x) or the bucket's DBRP database name (2.x, 3).");
        }
        else if (influx.Database.Any(char.IsControl))
        {
            failures.Add($"{prefix}Database contains a control character.");
        }

        if (influx.BatchSize is < 1 or > 100_000)
        {
            failures.Add($"{prefix}BatchSize must be between 1 and 100000, not {influx.BatchSize}.");
        }

        if (influx.WritesInFlight is < 1 or > 64)
        {
            failures.Add($"{prefix}WritesInFlight must be between 1 and 64, not {influx.WritesInFlight}.");
        }

        if (string.IsNullOrEmpty(influx.Username) != string.IsNullOrEmpty(influx.Password))
        {
            failures.Add($"{prefix}Username and {prefix}Password go together: set both or neither.");
        }
    }
}
