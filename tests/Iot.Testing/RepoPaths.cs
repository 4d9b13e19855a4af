namespace Iot.Testing;

/// <summary>Locations inside the repository, found from wherever the tests run.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Iot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Iot.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository root (where Iot.sln is).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The sample site's manifest folder.</summary>
    public static string SampleSite => Path.Combine(Root, "firmware-config", "sites", "yongchang");

    /// <summary>A path below the repository root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);
}
