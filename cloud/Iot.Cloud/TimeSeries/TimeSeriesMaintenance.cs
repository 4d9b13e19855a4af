namespace Iot.Cloud.TimeSeries;

/// <summary>
/// Prepares the store when the service starts (retrying with backoff while the backend is unreachable, so an
/// InfluxDB that starts later does not stop the cloud), then applies retention once and every hour after.
/// </summary>
public sealed class TimeSeriesMaintenance(
    ITimeSeriesStore store,
    TimeProvider time,
    [FromKeyedServices(Operations.Clocks.Retry)] TimeProvider retryTime,
    ILogger<TimeSeriesMaintenance> logger) : BackgroundService
{
    /// <summary>How often retention runs.</summary>
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromHours(1);

    private static readonly TimeSpan MaxInitializeDelay = TimeSpan.FromSeconds(30);

    /// <summary>Completes when the store has been initialized.</summary>
    public Task Initialized => _initialized.Task;

    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The timer starts with the service, so the hourly rhythm does not depend on how long initializing took.
        using var timer = new PeriodicTimer(RetentionInterval, time);
        await InitializeAsync(stoppingToken);
        do
        {
            try
            {
                await store.ApplyRetentionAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed pass is repeated by the next one; it must not stop the cloud.
                TimeSeriesLog.RetentionFailed(logger, e, RetentionInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task InitializeAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await store.InitializeAsync(stoppingToken);
                _initialized.TrySetResult();
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                TimeSeriesLog.InitializeFailed(logger, e, (long)delay.TotalMilliseconds);
            }

            await Task.Delay(delay, retryTime, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxInitializeDelay.Ticks));
        }
    }
}
