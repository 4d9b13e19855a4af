using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Auth;

/// <summary>How failed sign-ins slow the next attempt (section <c>Auth:SignInDelays</c>); nothing locks an account.</summary>
public sealed class SignInDelayOptions
{
    public const string Section = "Auth:SignInDelays";

    /// <summary>Failures of one account from one address before each further attempt waits.</summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>Failures from one address, over all accounts, before each further attempt from there waits (an office shares one address).</summary>
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>The first wait; each further failure doubles it.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait for an address that keeps failing.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest wait an account's failures elsewhere impose on an address that has not failed for it: the real
    /// person on their own phone waits at most this long once, however many guesses an attacker makes.
    /// </summary>
    public TimeSpan MaxAccountDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failures are forgotten after this long without another one.</summary>
    public TimeSpan Memory { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Checks <see cref="SignInDelayOptions"/> (each problem names its key).</summary>
public sealed class SignInDelayOptionsValidator : IValidateOptions<SignInDelayOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInDelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingProblems(SignInDelayOptions.Section)
            .Within(nameof(options.FreeFailures), options.FreeFailures, 1, 100)
            .Within(nameof(options.FreeFailuresPerAddress), options.FreeFailuresPerAddress, 1, 10_000)
            .Within(nameof(options.FirstDelay), options.FirstDelay, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1))
            .Within(nameof(options.MaxDelay), options.MaxDelay, options.FirstDelay, TimeSpan.FromHours(1))
            .Within(nameof(options.MaxAccountDelay), options.MaxAccountDelay, TimeSpan.Zero, options.MaxDelay)
            .Within(nameof(options.Memory), options.Memory, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1))
            .Result;
    }
}

/// <summary>
/// Progressive delays instead of a lockout, so nobody can keep an account shut by guessing its password. Three tallies:
/// an account from one address (waits double after <see cref="SignInDelayOptions.FreeFailures"/>, up to
/// <see cref="SignInDelayOptions.MaxDelay"/>); an address over all accounts (password spraying); and an account from
/// everywhere. The last one never blocks: an address that has not failed for the account gets one wait of at most
/// <see cref="SignInDelayOptions.MaxAccountDelay"/>, after which its attempt is heard whatever others are doing. That
/// slows guessing spread over many addresses and still lets the real person in. Kept in memory: a restart forgets.
/// </summary>
public sealed class SignInDelays(TimeProvider time, IOptions<SignInDelayOptions> options)
{
    // Each attempt from a new address or account adds an entry; past this many, forgotten ones are dropped, then the oldest.
    private const int MaxEntries = 50_000;

    private readonly SignInDelayOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="client"/> must still wait before trying <paramref name="account"/>; zero when it may try now.</summary>
    public TimeSpan Wait(string account, string client)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var pairKey = Pair(account, client);
            var wait = Max(Find(Address(client), now)?.NotBefore - now, Find(pairKey, now)?.NotBefore - now);
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            // Guessed from elsewhere: this address waits once, then is heard (its own failures count from there).
            if (Find(Account(account), now) is { } everywhere && everywhere.Failures >= _options.FreeFailures && Find(pairKey, now) is null)
            {
                var ticket = Delay(everywhere.Failures - _options.FreeFailures, _options.MaxAccountDelay);
                Add(pairKey, new Tally { Failures = 0, Last = now, NotBefore = now + ticket });
                return ticket;
            }

            return TimeSpan.Zero;
        }
    }

    /// <summary>Counts a wrong password (or an unknown account) from <paramref name="client"/>.</summary>
    public void Failed(string account, string client)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Count(Pair(account, client), now, _options.FreeFailures, _options.MaxDelay);
            Count(Address(client), now, _options.FreeFailuresPerAddress, _options.MaxDelay);
            Count(Account(account), now, int.MaxValue, TimeSpan.Zero);
        }
    }

    /// <summary>A right password: the account's failures are forgotten (the address's are not: it may be spraying).</summary>
    public void Succeeded(string account, string client)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(client);
        lock (_gate)
        {
            _tallies.Remove(Pair(account, client));
            _tallies.Remove(Account(account));
        }
    }

    private void Count(string key, DateTimeOffset now, int free, TimeSpan cap)
    {
        var tally = Find(key, now) ?? Add(key, new Tally());
        tally.Failures++;
        tally.Last = now;
        tally.NotBefore = tally.Failures >= free ? now + Delay(tally.Failures - free, cap) : now;
    }

    // The first delay doubled once for each failure past the free ones, up to the cap.
    private TimeSpan Delay(int pastFree, TimeSpan cap) =>
        TimeSpan.FromTicks(Math.Min(cap.Ticks, _options.FirstDelay.Ticks * (1L << Math.Min(pastFree, 30))));

    private Tally? Find(string key, DateTimeOffset now)
    {
        if (!_tallies.TryGetValue(key, out var tally))
        {
            return null;
        }

        if (now - tally.Last > _options.Memory && now >= tally.NotBefore)
        {
            _tallies.Remove(key);
            return null;
        }

        return tally;
    }

    private Tally Add(string key, Tally tally)
    {
        if (_tallies.Count >= MaxEntries)
        {
            var now = time.GetUtcNow();
            foreach (var stale in _tallies.Where(t => now - t.Value.Last > _options.Memory).Select(t => t.Key).ToList())
            {
                _tallies.Remove(stale);
            }

            foreach (var oldest in _tallies.OrderBy(t => t.Value.Last).Take(_tallies.Count - (MaxEntries * 3 / 4)).Select(t => t.Key).ToList())
            {
                _tallies.Remove(oldest);
            }
        }

        _tallies[key] = tally;
        return tally;
    }

    private static TimeSpan Max(TimeSpan? a, TimeSpan? b) => TimeSpan.FromTicks(Math.Max(a?.Ticks ?? 0, b?.Ticks ?? 0));

    private static string Account(string account) => $"account\n{account.Trim().ToUpperInvariant()}";

    private static string Address(string client) => $"address\n{client}";

    private static string Pair(string account, string client) => $"pair\n{account.Trim().ToUpperInvariant()}\n{client}";

    private sealed class Tally
    {
        public int Failures { get; set; }

        public DateTimeOffset Last { get; set; }

        public DateTimeOffset NotBefore { get; set; }
    }
}
