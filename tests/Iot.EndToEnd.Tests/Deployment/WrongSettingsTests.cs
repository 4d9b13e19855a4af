using System.Globalization;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>
/// The real cloud program started with one wrong setting, as an operator would get it wrong in compose's environment:
/// it stops before listening, with exit code 2 and a line naming the setting, not a stack trace to read.
/// </summary>
public sealed class WrongSettingsTests : IDisposable
{
    private readonly string _folder = ServiceProcess.TempFolder("wrong-settings");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Theory]
    [InlineData("Broker__Port", "0", "Broker:Port 0 is not a TCP port")]
    [InlineData("Broker__ClientId", "", "Broker:ClientId is empty")]
    [InlineData("Database__ConnectionString", "Server=nowhere", "is not a SQLite connection string")]
    [InlineData("Sites__Folder", "/no/such/folder", "Sites:Folder does not exist")]
    [InlineData("Ingest__QueueCapacity", "1", "QueueCapacity")]
    [InlineData("WorkOrders__ReopenWithin", "-1.00:00:00", "WorkOrders:ReopenWithin")]
    public async Task A_wrong_setting_stops_the_start_with_a_line_naming_it(string key, string value, string message)
    {
        var environment = Settings();
        environment[key] = value;

        var (exit, output) = await ProgramProcess.RunAsync(ProgramProcess.Cloud, [], environment);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        var explanation = output[output.IndexOf("iot-cloud did not start.", StringComparison.Ordinal)..];
        Assert.Contains(message, explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_site_manifests_stop_the_start_naming_the_problem()
    {
        var site = Path.Combine(_folder, "site");
        CopyFolder(RepoPaths.SampleSite, site);
        var yikang = Path.Combine(site, "communities", "yikang-road.json");
        File.WriteAllText(yikang, File.ReadAllText(yikang).Replace("\"driver\": \"ina219\"", "\"driver\": \"ina999\"", StringComparison.Ordinal));
        var environment = Settings();
        environment["Sites__Folder"] = site;

        var (exit, output) = await ProgramProcess.RunAsync(ProgramProcess.Cloud, [], environment);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("unknown driver 'ina999'", output[output.IndexOf("iot-cloud did not start.", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_without_its_required_settings_stops_naming_each()
    {
        var environment = Settings();
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var (exit, output) = await ProgramProcess.RunAsync(ProgramProcess.Cloud, [], environment);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        var explanation = output[output.IndexOf("iot-cloud did not start.", StringComparison.Ordinal)..];
        Assert.Contains("Web:PublicBaseUrl is required in Production", explanation, StringComparison.Ordinal);
        Assert.Contains("Operations:MetricsToken is required in Production", explanation, StringComparison.Ordinal);
        Assert.Contains("Web:KnownProxies (or Web:KnownNetworks) is required in Production", explanation, StringComparison.Ordinal);
    }

    /// <summary>Settings that start: an embedded broker and the web on free loopback ports, SQLite in the test's folder.</summary>
    private Dictionary<string, string> Settings() => new()
    {
        ["Urls"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
        ["Broker__Mode"] = "Embedded",
        ["Broker__Port"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Database__Provider"] = "Sqlite",
        ["Database__ConnectionString"] = $"Data Source={Path.Combine(_folder, "cloud.db")}",
        ["TimeSeries__Backend"] = "Sqlite",
        ["TimeSeries__SqlitePath"] = Path.Combine(_folder, "timeseries.db"),
        ["Sites__Folder"] = RepoPaths.SampleSite,
    };

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
