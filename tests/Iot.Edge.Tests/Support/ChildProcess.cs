using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Support;

/// <summary>
/// A .NET program from the test's output folder run as a child process, its stdout collected line by line. Every
/// deadline is stretched by <see cref="Patience"/>; whatever happens to the test, disposing it kills the process and
/// anything it started.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _closed.TrySetResult();
                _arrived.Release(); // a waiter learns at once that no more lines will come
                return;
            }

            _lines.Enqueue(e.Data);
            _arrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue("stderr: " + e.Data);
                _arrived.Release();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    private string Tail => string.Join(" | ", _lines.TakeLast(10));

    /// <summary>Starts <c>dotnet {dll} {args}</c> from the test's output folder.</summary>
    public static ChildProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        try
        {
            return new ChildProcess(process);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> lines match, for as long as the program keeps printing: fails when
    /// no line has come for <paramref name="stall"/> (stretched by <see cref="Patience"/>), or when the program ends.
    /// </summary>
    public async Task WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan stall)
    {
        var limit = Patience.Of(stall);
        var quiet = Stopwatch.StartNew();
        var seen = _lines.Count;
        while (_lines.Count(match) < count)
        {
            if (_process.HasExited && _closed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"child exited ({_process.ExitCode}): {Tail}");
            }

            var left = limit - quiet.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{_lines.Count(match)} of {count} lines, and nothing printed for {limit.TotalSeconds} s: {Tail}");
            }

            await _arrived.WaitAsync(left);
            if (_lines.Count != seen)
            {
                seen = _lines.Count;
                quiet.Restart();
            }
        }
    }

    /// <summary>kill -9, then waits for the pipe to drain so every line printed before the kill is in <see cref="Lines"/>.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(Patience.Seconds(30));
        await _closed.Task.WaitAsync(Patience.Seconds(30));
    }

    /// <summary>Waits for the program to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var limit = Patience.Of(timeout);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the program did not end within {limit.TotalSeconds} s: {Tail}");
        }

        await _closed.Task.WaitAsync(Patience.Seconds(30));
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd stops a service; waits for the exit (systemd's TimeoutStopSec is 30 s) and returns the code.</summary>
    public async Task<int> TerminateAsync()
    {
        _ = await ServiceProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], Patience.Seconds(30));
        return await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(Patience.Seconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in between.
        }

        _process.Dispose();
        _arrived.Dispose();
    }
}
