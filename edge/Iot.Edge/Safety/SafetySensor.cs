using System.Globalization;

namespace Iot.Edge.Safety;

/// <summary>
/// A sensor an interlock depends on, watched for failing rather than trusted: it is opened with retries (a part that
/// does not answer at start is tried again after 1, 2, 4 … 30 s), every read is checked (an exception, NaN, a value
/// outside the physical range), and a reading counts only while it is fresh. <see cref="Problem"/> says what is wrong,
/// or null while the sensor can be relied on. Reads run on the agent's sampling thread, outside the device's lock, so
/// that a read that hangs cannot stop <see cref="Problem"/> from seeing the sensor go stale on the safety thread.
/// </summary>
public sealed class SafetySensor
{
    /// <summary>How long a reading stays good: a sensor with no good reading for longer has failed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a sensor may take to give its first reading before it counts as failed. Until then it guards as a failed
    /// one would (nothing it protects has been powered yet), but it is not reported: on a busy machine the first poll
    /// can come seconds after the start, and that is no fault of the sensor.
    /// </summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly Func<Func<double>> _open;
    private readonly double _min;
    private readonly double _max;
    private readonly TimeSpan _since;
    private readonly Lock _gate = new();
    private Func<double>? _read;
    private TimeSpan _retryAfter = FirstRetry;
    private TimeSpan _nextOpen;
    private string? _failure;
    private TimeSpan? _lastGoodAt;

    /// <summary>Opens the sensor at once (the caller may catch nothing: a failure is recorded, not thrown).</summary>
    /// <param name="name">How people know it, e.g. "outlet 2 current sensor (INA219 0x45)".</param>
    /// <param name="open">Opens the part and returns its reader; throws when the part cannot be opened.</param>
    /// <param name="min">Lowest physically possible reading.</param>
    /// <param name="max">Highest physically possible reading.</param>
    /// <param name="now">Monotonic time now.</param>
    public SafetySensor(string name, Func<Func<double>> open, double min, double max, TimeSpan now)
    {
        Name = name;
        _open = open;
        _min = min;
        _max = max;
        _since = now;
        TryOpen(now);
    }

    /// <summary>How people know the sensor.</summary>
    public string Name { get; }

    /// <summary>The last good value (meaningful while <see cref="Problem"/> is null).</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Why the sensor could not be opened, while it is not open (it is tried again with backoff).</summary>
    public string? OpenFailure
    {
        get
        {
            lock (_gate)
            {
                return _read is null ? _failure : null;
            }
        }
    }

    /// <summary>The value that made the last read fail its check, if there was one (NaN, out of range).</summary>
    public double? BadValue { get; private set; }

    /// <summary>Reads the sensor once, or tries to open it when due; never throws.</summary>
    public void Sample(TimeSpan now)
    {
        Func<double>? read;
        lock (_gate)
        {
            read = _read;
        }

        if (read is null)
        {
            TryOpen(now);
            return;
        }

        double value;
        try
        {
            value = read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail($"I/O error: {e.Message}", null);
            return;
        }

        if (!double.IsFinite(value))
        {
            Fail($"read {value.ToString(CultureInfo.InvariantCulture)}", value);
        }
        else if (value < _min || value > _max)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"read {value:0.###}, outside the physical range {_min} to {_max}"), value);
        }
        else
        {
            lock (_gate)
            {
                Value = value;
                BadValue = null;
                _failure = null;
                _lastGoodAt = now;
            }
        }
    }

    /// <summary>What is wrong with the sensor at <paramref name="now"/>, or null while it can be relied on.</summary>
    public string? Problem(TimeSpan now)
    {
        lock (_gate)
        {
            return _failure is { } failure ? $"{Name}: {failure}"
                : _lastGoodAt is not { } at ? $"{Name}: no reading yet"
                : now - at > StaleAfter ? string.Create(CultureInfo.InvariantCulture, $"{Name}: no fresh reading for {StaleAfter.TotalSeconds:0} s")
                : null;
        }
    }

    /// <summary>
    /// True while the sensor has given no reading yet and nothing has failed, within <see cref="StartGrace"/> of its
    /// opening: <see cref="Problem"/> keeps what it guards off, but there is no fault to report yet.
    /// </summary>
    public bool Starting(TimeSpan now)
    {
        lock (_gate)
        {
            return _lastGoodAt is null && _failure is null && now - _since <= StartGrace;
        }
    }

    private void Fail(string failure, double? value)
    {
        lock (_gate)
        {
            _failure = failure;
            BadValue = value;
        }
    }

    private void TryOpen(TimeSpan now)
    {
        lock (_gate)
        {
            if (now < _nextOpen)
            {
                return;
            }
        }

        try
        {
            var read = _open();
            lock (_gate)
            {
                _read = read;
                _failure = null;
                _retryAfter = FirstRetry;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lock (_gate)
            {
                _failure = $"could not be opened: {e.Message}";
                _nextOpen = now + _retryAfter;
                _retryAfter = TimeSpan.FromTicks(Math.Min(_retryAfter.Ticks * 2, LastRetry.Ticks));
            }
        }
    }
}
