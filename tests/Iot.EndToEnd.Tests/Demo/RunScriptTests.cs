using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Demo;

/// <summary>
/// The newcomer's command: ./run.sh brings every sample courtyard online with live readings, prints a demo account
/// per role, and Ctrl-C stops everything.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // run.sh is bash; file modes are Unix
public sealed class RunScriptTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("iot-demo-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Run_sh_brings_every_sample_courtyard_online_with_live_readings_and_ctrl_c_stops_everything()
    {
        var web = ServiceProcess.FreePort();
        // In its own process group, as a terminal runs it: Ctrl-C goes to the group, and the test can end the whole group.
        // A program started in the background by a script inherits SIGINT ignored, and bash cannot trap a signal ignored
        // on entry: give run.sh the default disposition a terminal's foreground job has.
        var psi = new ProcessStartInfo("setsid", ["env", "--default-signal=INT", "bash", RepoPaths.Of("run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.Environment["IOT_WEB_PORT"] = web.ToString(CultureInfo.InvariantCulture);
        psi.Environment["IOT_BROKER_PORT"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        psi.Environment["IOT_DATA"] = _data;
        psi.Environment["IOT_CONFIGURATION"] = "Debug";   // test.sh has built Debug already
        psi.Environment["IOT_SKIP_BUILD"] = "1";
        psi.Environment["IOT_READY_WAIT"] = ((int)Patience.Seconds(180).TotalSeconds).ToString(CultureInfo.InvariantCulture);

        // A session jar an older run left readable by everyone is replaced, not reused with its mode.
        var jar = Path.Combine(_data, "demo-session.cookies");
        File.WriteAllText(jar, "");
        File.SetUnixFileMode(jar, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var run = Process.Start(psi)!;
        try
        {
            await RunAndStopAsync(run, web);
        }
        finally
        {
            // Whatever happened above, nothing run.sh started outlives the test.
            ServiceProcess.SignalGroup(run.Id, "KILL");
        }
    }

    private async Task RunAndStopAsync(Process run, int web)
    {
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        run.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        run.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();

        // run.sh itself waits at most IOT_READY_WAIT for the cloud and again for the agents, then reports how many came online.
        await ServiceProcess.WaitUntilAsync(
            () => Task.FromResult(output.Any(l => l.Contains("courtyard agents online", StringComparison.Ordinal)) || run.HasExited),
            TimeSpan.FromSeconds(400),
            "run.sh",
            () => string.Join('\n', output));
        var banner = output.First(l => l.Contains("courtyard agents online", StringComparison.Ordinal));
        Assert.Contains("115 of 115 courtyard agents online", banner, StringComparison.Ordinal);

        // The street office's session cookie, which run.sh keeps in the data folder, is readable by this user only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, "demo-session.cookies")));

        // The banner names one demo account per role; the street office's signs in to the API.
        foreach (var account in new[] { "xinyu-li", "xinyu-wang", "cable-zhao", "yikang-zhang", "street-chen" })
        {
            Assert.Contains(output, l => l.TrimStart().StartsWith(account, StringComparison.Ordinal));
        }

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{web}") };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/api/courtyards", UriKind.Relative))).StatusCode);
        (await http.PostAsJsonAsync("/api/session", new { userName = "street-chen", password = "yongchang-demo" })).EnsureSuccessStatusCode();
        var courtyards = await http.GetFromJsonAsync<JsonElement>("/api/courtyards");
        var ids = courtyards.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.Equal(115, ids.Count);
        Assert.All(courtyards.EnumerateArray(), c => Assert.Equal(c.GetProperty("agents").GetInt32(), c.GetProperty("agentsOnline").GetInt32()));
        await ServiceProcess.WaitUntilAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>($"/api/courtyards/{ids[0]}/latest")).GetArrayLength() > 0
                && (await http.GetFromJsonAsync<JsonElement>($"/api/courtyards/{ids[^1]}/latest")).GetArrayLength() > 0,
            TimeSpan.FromSeconds(120),   // 115 agents' first readings through one ingest; generous, as only a broken run reaches it
            "live readings");

        // Ctrl-C, as a terminal delivers it: to the whole process group. run.sh gives each program 20 s to stop.
        ServiceProcess.SignalGroup(run.Id, "INT");
        using var stopped = new CancellationTokenSource(Patience.Seconds(90));
        await run.WaitForExitAsync(stopped.Token);
        Assert.Contains(output, l => l.Contains("Stopped.", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("stopped on its own", StringComparison.Ordinal));
        Assert.Equal(130, run.ExitCode);

        // Nothing it started is left: no process mentions its data folder.
        var leftovers = Directory.GetDirectories("/proc")
            .Select(d => Path.Combine(d, "cmdline"))
            .Where(File.Exists)
            .Select(f => { try { return File.ReadAllText(f); } catch (IOException) { return string.Empty; } })
            .Where(cmd => cmd.Contains(_data, StringComparison.Ordinal));
        Assert.Empty(leftovers);
    }
}
