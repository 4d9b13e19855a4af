using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Iot.Cloud.Tests.Architecture;

/// <summary>
/// The cloud's feature folders form one pipeline, read from the compiled assembly: a folder may use the folders before
/// it in <see cref="Layers"/> and never one after (cloud/README.md, "The pipeline"). A failure names the types.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Lowest first. Each folder may use any folder before it.</summary>
    private static readonly string[] Layers =
    [
        "Kernel", "Api", "Operations", "Signing", "Data", "Audit", "Auth", "Sites", "TimeSeries", "Broker", "Config",
        "Ingest", "Rules", "Alerts", "WorkOrders", "Notifications", "Commands", "Readings", "Ratings", "Reports",
        "Patrols", "Volunteers", "Supervision", "Assessment", "Demo", "Web", "(root)",
    ];

    private static readonly Lazy<Dictionary<string, SortedSet<string>>> Edges = new(Read);

    [Fact]
    public void Every_folder_of_the_cloud_has_its_place_in_the_pipeline()
    {
        var unplaced = Edges.Value.Keys.Select(e => e.Split(" -> ")).SelectMany(p => p).Distinct().Where(f => !Layers.Contains(f)).ToList();
        Assert.True(unplaced.Count == 0, $"folders with no layer in LayeringTests.Layers: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void The_reading_sees_the_uses_it_judges()
    {
        // Guards the guard: were the assembly read wrong, no edge would be found and the layering would pass by itself.
        Assert.Contains("WorkOrders -> Alerts", Edges.Value.Keys);
        Assert.Contains("WorkOrders.WorkOrderStage uses Alerts.AlertsChanged", Edges.Value["WorkOrders -> Alerts"]);
        Assert.Contains("Web -> WorkOrders", Edges.Value.Keys);
    }

    [Fact]
    public void No_folder_uses_a_later_stage_of_the_pipeline()
    {
        // Every use runs down the order, so no two folders can depend on each other through any path.
        var against = Edges.Value.Where(e => IsBackEdge(e.Key)).Select(e => $"{e.Key}: {string.Join(", ", e.Value.Take(6))}").ToList();
        Assert.True(against.Count == 0, "uses that run against the pipeline (turn them around: an event the later stage handles, a port the earlier stage owns, or the code in the later folder):\n" + string.Join('\n', against));
    }

    [Fact]
    public void The_readme_lists_the_folders_in_the_pipeline_order()
    {
        // cloud/README.md's table, one row per folder ("| `Alerts/` | owns | uses |"), is the drawing people read.
        var rows = File.ReadLines(Path.Combine(Iot.Testing.RepoPaths.Root, "cloud", "README.md"))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\| `(\w+)/` \|"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Layers.Where(l => l != "(root)"), rows);
    }

    private static bool IsBackEdge(string edge)
    {
        var parts = edge.Split(" -> ");
        return Array.IndexOf(Layers, parts[0]) < Array.IndexOf(Layers, parts[1]);
    }

    // Folder -> folder, with the types that make each edge ("Type uses Type").
    private static Dictionary<string, SortedSet<string>> Read()
    {
        var architecture = new ArchLoader().LoadAssemblies(typeof(Iot.Cloud.Data.CloudDb).Assembly).Build();
        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (Folder(dependency.Target) is { } to && to != from)
                {
                    var key = $"{from} -> {to}";
                    if (!edges.TryGetValue(key, out var uses))
                    {
                        edges[key] = uses = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    uses.Add($"{Short(type)} uses {Short(dependency.Target)}");
                }
            }
        }

        return edges;
    }

    // The feature folder of a type: the namespace segment after Iot.Cloud. Razor views are Web's; the rest (framework,
    // source generators' own namespaces) is not the cloud's.
    private static string? Folder(IType type)
    {
        // A type from an assembly the loader did not read (Npgsql's, say) has no namespace here: it is not the cloud's.
        if (type.Namespace?.FullName is not { } name)
        {
            return null;
        }

        if (name.StartsWith("AspNetCoreGeneratedDocument", StringComparison.Ordinal))
        {
            return "Web";
        }

        if (name == "Iot.Cloud")
        {
            return "(root)";
        }

        return name.StartsWith("Iot.Cloud.", StringComparison.Ordinal) ? name["Iot.Cloud.".Length..].Split('.')[0] : null;
    }

    private static string Short(IType type) => type.FullName.Split('`')[0].Replace("Iot.Cloud.", string.Empty, StringComparison.Ordinal);
}
