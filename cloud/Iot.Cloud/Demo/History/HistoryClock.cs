using Iot.Cloud.Operations;

namespace Iot.Cloud.Demo.History;

/// <summary>
/// The cloud's business clock while a demo's first start replays its past week (<c>Demo:HistoryDays</c>; never in
/// production). It starts that many days back and is moved forward (<see cref="MoveTo"/>) as the replayed history is
/// stored, firing the timers that fall due on the way (the rules' sweeps with the service-level escalations, the demo
/// staff's rounds), so everything the cloud does with the week happens at the week's times. Once the replay has caught up
/// it joins the wall clock (<see cref="Join"/>) and stays on it. Timers are kept here and fired by a pump on the wall
/// clock, so they keep firing after the join as they would on the system's clock.
/// </summary>
public sealed class HistoryClock : LaggingClock, IDisposable
{
    private readonly TimeProvider _wall;
    private readonly Lock _gate = new();
    private readonly List<HistoryTimer> _timers = [];
    private readonly ITimer _pump;
    private DateTimeOffset _now;
    private bool _joined;

    /// <summary>A clock <paramref name="history"/> behind <paramref name="wall"/>, its timers looked at every <paramref name="pump"/>.</summary>
    public HistoryClock(TimeProvider wall, TimeSpan history, TimeSpan pump)
    {
        ArgumentNullException.ThrowIfNull(wall);
        _wall = wall;
        Ends = wall.GetUtcNow();
        Start = Ends - history;
        _now = Start;
        _joined = history <= TimeSpan.Zero;
        // Before the join the clock moves only by hand, and fires its timers then; after it, with the wall clock.
        _pump = wall.CreateTimer(_ => { if (Joined) { FireDue(); } }, null, pump, pump);
    }

    /// <summary>Where the history began.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Where it ends: the wall clock's time when the cloud started.</summary>
    public DateTimeOffset Ends { get; }

    /// <summary>True once the clock runs with the wall clock.</summary>
    public bool Joined
    {
        get
        {
            lock (_gate)
            {
                return _joined;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset Latest => _wall.GetUtcNow();

    /// <inheritdoc />
    public override bool Behind => !Joined;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _joined ? _wall.GetUtcNow() : _now;
        }
    }

    /// <summary>Moves the clock on to <paramref name="target"/> (never back, never past the wall clock) and fires what fell due.</summary>
    public void MoveTo(DateTimeOffset target)
    {
        Advance(target);
        FireDue();
    }

    /// <summary>Moves the clock on to <paramref name="target"/> without firing its timers yet (<see cref="FireDue"/>).</summary>
    public void Advance(DateTimeOffset target)
    {
        lock (_gate)
        {
            if (!_joined && target > _now)
            {
                var wall = _wall.GetUtcNow();
                _now = target < wall ? target : wall;
            }
        }
    }

    /// <summary>Joins the wall clock for good; true the first time.</summary>
    public bool Join()
    {
        lock (_gate)
        {
            if (_joined)
            {
                return false;
            }

            _joined = true;
        }

        FireDue();
        return true;
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HistoryTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <inheritdoc />
    public void Dispose() => _pump.Dispose();

    /// <summary>Runs every timer that is due now, each once however far the clock moved (as a system timer that fell behind does).</summary>
    public void FireDue()
    {
        var due = new List<HistoryTimer>();
        lock (_gate)
        {
            var now = _joined ? _wall.GetUtcNow() : _now;
            _timers.RemoveAll(t => t.Disposed);
            foreach (var timer in _timers)
            {
                if (timer.TakeIfDue(now))
                {
                    due.Add(timer);
                }
            }
        }

        foreach (var timer in due)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Run(), timer, preferLocal: false);
        }
    }

    private sealed class HistoryTimer(HistoryClock clock, TimerCallback callback, object? state) : ITimer
    {
        private DateTimeOffset? _dueAt;
        private TimeSpan _period;

        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var now = clock.GetUtcNow();
            lock (clock._gate)
            {
                if (Disposed)
                {
                    return false;
                }

                _dueAt = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
                _period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            }

            if (dueTime == TimeSpan.Zero)
            {
                clock.FireDue();
            }

            return true;
        }

        // Under the clock's lock: whether to run now, and when next.
        public bool TakeIfDue(DateTimeOffset now)
        {
            if (Disposed || _dueAt is not { } due || due > now)
            {
                return false;
            }

            _dueAt = _period > TimeSpan.Zero ? (due + _period > now ? due + _period : now + _period) : null;
            return true;
        }

        public void Run() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                Disposed = true;
                _dueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
