using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Demo;

/// <summary>
/// The newcomer's command: ./run.sh on an empty data folder fills the week before with history through the real path,
/// brings every sample courtyard online with live readings, plays a live fault within two minutes, prints a demo
/// account per role, and Ctrl-C stops everything; a second start reuses the data and fills no week again.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // run.sh is bash; file modes are Unix
public sealed class RunScriptTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("iot-demo-").FullName;

    private DateTimeOffset _firstStartEnded;
    private int _ordersAfterFirstStart;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Run_sh_fills_a_week_of_history_brings_every_sample_courtyard_online_with_a_live_fault_and_ctrl_c_stops_everything()
    {
        var web = ServiceProcess.FreePort();
        var broker = ServiceProcess.FreePort();

        // A session jar an older run left readable by everyone is replaced, not reused with its mode.
        var jar = Path.Combine(_data, "demo-session.cookies");
        File.WriteAllText(jar, "");
        File.SetUnixFileMode(jar, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (var first = Start(web, broker))
        {
            try
            {
                await RunAndStopAsync(first, web, firstStart: true);
            }
            finally
            {
                // Whatever happened above, nothing run.sh started outlives the test.
                ServiceProcess.SignalGroup(first.Id, "KILL");
            }
        }

        using var second = Start(web, broker);
        try
        {
            await RunAndStopAsync(second, web, firstStart: false);
        }
        finally
        {
            ServiceProcess.SignalGroup(second.Id, "KILL");
        }
    }

    private Process Start(int web, int broker)
    {
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
        psi.Environment["IOT_BROKER_PORT"] = broker.ToString(CultureInfo.InvariantCulture);
        psi.Environment["IOT_HISTORY_DAYS"] = "7";
        psi.Environment["IOT_DATA"] = _data;
        psi.Environment["IOT_CONFIGURATION"] = "Debug";   // test.sh has built Debug already
        psi.Environment["IOT_SKIP_BUILD"] = "1";
        psi.Environment["IOT_READY_WAIT"] = ((int)Patience.Seconds(180).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Process.Start(psi)!;
    }

    private async Task RunAndStopAsync(Process run, int web, bool firstStart)
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
        var bannerAt = DateTimeOffset.UtcNow;
        // run.sh may have stopped instead (the cloud not ready in time, a program that stopped): say what it printed.
        var banner = output.FirstOrDefault(l => l.Contains("courtyard agents online", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"run.sh ended without its banner (exit code {(run.HasExited ? run.ExitCode : null)}):\n{string.Join('\n', output.TakeLast(60))}");
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

        if (firstStart)
        {
            await HistoryAndLiveFaultAsync(http, bannerAt);
            Assert.Contains("held boot-relative readings of", await File.ReadAllTextAsync(Path.Combine(_data, "logs", "cloud.log")), StringComparison.Ordinal);
        }
        else
        {
            // The second start reused the data: neither the fleet nor the cloud went back a week.
            Assert.DoesNotContain("new agents wrote their past", await File.ReadAllTextAsync(Path.Combine(_data, "logs", "fleet.log")), StringComparison.Ordinal);
            Assert.DoesNotContain("Demo:HistoryDays: business time starts", await File.ReadAllTextAsync(Path.Combine(_data, "logs", "cloud.log")), StringComparison.Ordinal);
            var orders = await http.GetFromJsonAsync<JsonElement>("/api/work-orders");
            Assert.Equal(_ordersAfterFirstStart, orders.EnumerateArray().Count(o => o.GetProperty("createdAt").GetDateTimeOffset() < _firstStartEnded));
        }

        // Ctrl-C, as a terminal delivers it: to the whole process group. run.sh gives each program 20 s to stop.
        if (firstStart)
        {
            _firstStartEnded = DateTimeOffset.UtcNow;
            _ordersAfterFirstStart = (await http.GetFromJsonAsync<JsonElement>("/api/work-orders")).GetArrayLength();
        }

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

    // The week before the first start, worked through the real path, and a live fault within two minutes of the banner.
    // The banner comes once the cloud's clock has joined the wall clock, and the fleet holds the demo's faults until its
    // week is sent: the live fault is raised after the banner, and opens an order of its own (not a week's, not reopened).
    private static async Task HistoryAndLiveFaultAsync(HttpClient http, DateTimeOffset bannerAt)
    {
        // A live fault becomes an alert and an order routed to the party that answers for its courtyard.
        await ServiceProcess.WaitUntilAsync(
            async () =>
            {
                var alerts = await http.GetFromJsonAsync<JsonElement>("/api/alerts");
                foreach (var alert in alerts.EnumerateArray().Where(a => a.GetProperty("raisedAt").GetDateTimeOffset() >= bannerAt
                    && a.GetProperty("workOrderId").ValueKind == JsonValueKind.Number))
                {
                    var order = (await http.GetFromJsonAsync<JsonElement>($"/api/work-orders/{alert.GetProperty("workOrderId").GetInt64()}")).GetProperty("order");
                    if (order.GetProperty("source").GetString() == "alert" && order.GetProperty("party").ValueKind != JsonValueKind.Null
                        && order.GetProperty("createdAt").GetDateTimeOffset() >= bannerAt && order.GetProperty("reopenCount").GetInt32() == 0)
                    {
                        return true;
                    }
                }

                return false;
            },
            Patience.Seconds(120),
            "a live fault's alert and its own routed order within two minutes of the banner");

        // The week's orders were opened at the week's times, and the demo staff took and fixed some of them then.
        var week = (await http.GetFromJsonAsync<JsonElement>("/api/work-orders")).EnumerateArray()
            .Where(o => o.GetProperty("createdAt").GetDateTimeOffset() < bannerAt - TimeSpan.FromHours(1)).ToList();
        Assert.NotEmpty(week);
        Assert.Contains(week, o => o.GetProperty("createdAt").GetDateTimeOffset() < bannerAt - TimeSpan.FromDays(3));
        var taken = week.Where(o => o.GetProperty("acknowledgedAt").ValueKind == JsonValueKind.String).ToList();
        Assert.NotEmpty(taken);
        Assert.All(taken, o => Assert.InRange(
            o.GetProperty("acknowledgedAt").GetDateTimeOffset() - StartedAt(o), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)));
        Assert.Contains(week, o => o.GetProperty("fixedAt").ValueKind == JsonValueKind.String);
        Assert.Contains(week, o => o.GetProperty("escalationLevel").GetInt32() > 0);

        // A gate forced again a day after its order closed: the system reopened that order in the week.
        var reopened = Assert.Single(week, o => o.GetProperty("reopenCount").GetInt32() > 0);
        Assert.True(StartedAt(reopened) < bannerAt - TimeSpan.FromHours(1), "reopened in the week");
        var trail = (await http.GetFromJsonAsync<JsonElement>($"/api/work-orders/{reopened.GetProperty("id").GetInt64()}")).GetProperty("audit").EnumerateArray();
        Assert.Contains(trail, a => a.GetProperty("action").GetString() == "reopened" && a.GetProperty("actor").GetString() == "system");

        // Residents reported faults in the week; the demo staff repaired them, the residents confirmed, the committee rated.
        var reported = week.Where(o => o.GetProperty("source").GetString() == "resident").ToList();
        Assert.True(reported.Count >= 3, $"{reported.Count} residents' reports in the week");
        Assert.Contains(reported, o => o.GetProperty("verifiedVia").GetString() == "resident");

        // The agent offline in the week came back in a boot whose clock was not yet synced. No status of that boot ever reached
        // the cloud (the boot ended before the first start), so its boot-relative readings were placed by the clock its later
        // batches carry (protocol 1.3): none is left waiting.
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/api/ingest/stats")).GetProperty("readingsAwaitingPlacement").GetInt64());

        // The dashboard's night lamp rate and weekly trends are numbers, not "—" or zeros.
        var dashboard = await http.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        var lamps = System.Text.RegularExpressions.Regex.Match(dashboard, "夜间亮灯率: ([^\"<]*)");
        Assert.True(lamps.Success, "the dashboard has no night lamp trend");
        Assert.Matches("\\d+(\\.\\d+)?%$", lamps.Groups[1].Value.Trim());
        var gates = System.Text.RegularExpressions.Regex.Match(dashboard, "门禁事件: ([^\"<]*)");
        Assert.Matches("[1-9]\\d*$", gates.Groups[1].Value.Trim());

        // The service record has a row for every party that answers for a courtyard, and the demo staff's party has its times.
        var record = await http.GetFromJsonAsync<JsonElement>("/api/supervision/");
        var rows = record.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("figures").GetProperty("key").GetString()!, r => r.GetProperty("figures"));
        var parties = (await http.GetFromJsonAsync<JsonElement>("/api/courtyards")).EnumerateArray().Select(c => c.GetProperty("responsible").GetString()!).Distinct().ToList();
        Assert.All(parties, party => Assert.True(rows.ContainsKey(party), $"no service record row for {party}"));
        var xinyu = rows["xinyu-property"];
        Assert.True(xinyu.GetProperty("acknowledged").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Number, xinyu.GetProperty("medianAckMinutes").ValueKind);
        Assert.Equal(JsonValueKind.Number, xinyu.GetProperty("medianFixMinutes").ValueKind);
        Assert.Equal(1, rows[reopened.GetProperty("party").GetString()!].GetProperty("reopened").GetInt32()); // counted in its party's record
        var ratings = rows.Values.Sum(r => r.GetProperty("ratings").GetInt32());
        Assert.True(ratings >= 3, $"{ratings} ratings in the service record");
        Assert.Contains(rows.Values, r => r.GetProperty("averageRating").ValueKind == JsonValueKind.Number);
    }

    private static DateTimeOffset StartedAt(JsonElement order) =>
        order.GetProperty("reopenedAt").ValueKind == JsonValueKind.String ? order.GetProperty("reopenedAt").GetDateTimeOffset() : order.GetProperty("createdAt").GetDateTimeOffset();
}
