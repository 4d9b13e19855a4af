using System.Collections.Concurrent;
using System.Diagnostics;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Support;

/// <summary>A .NET program from the test's output folder run as a child process, its stdout collected line by line.</summary>
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

        return new ChildProcess(Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    /// <summary>Waits until at least <paramref name="count"/> lines match.</summary>
    public async Task WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (_lines.Count(match) < count)
        {
            if (_process.HasExited && _closed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"child exited ({_process.ExitCode}): {string.Join(" | ", _lines.TakeLast(10))}");
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{_lines.Count(match)} of {count} lines within {timeout}: {string.Join(" | ", _lines.TakeLast(10))}");
            }
        }
    }

    /// <summary>kill -9, then waits for the pipe to drain so every line printed before the kill is in <see cref="Lines"/>.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        await _closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the program to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd stops a service; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        _ = await ServiceProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _arrived.Dispose();
    }
}
