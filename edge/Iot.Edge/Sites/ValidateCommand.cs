using Iot.Protocol.Messages;

namespace Iot.Edge.Sites;

/// <summary><c>iot-edge validate &lt;site folder&gt;</c>: checks a site's manifests and lists every problem.</summary>
public static class ValidateCommand
{
    /// <summary>Validates and reports; returns the process exit code (0 valid, 1 problems, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length != 1)
        {
            output.WriteLine("usage: iot-edge validate <site folder>   (the folder with site.json and communities/)");
            return 2;
        }

        var folder = args[0];
        if (!Directory.Exists(folder))
        {
            output.WriteLine($"{folder}: no such folder");
            return 2;
        }

        var result = SiteFiles.Read(folder);
        if (result.Site is not { } site)
        {
            foreach (var problem in result.Problems)
            {
                output.WriteLine(problem);
            }

            var files = result.Problems.Select(p => p.File).Distinct().Count();
            output.WriteLine($"{result.Problems.Count} problem{(result.Problems.Count == 1 ? string.Empty : "s")} in {files} file{(files == 1 ? string.Empty : "s")} of {folder}");
            return 1;
        }

        var devices = site.Agents.SelectMany(a => a.Agent.Devices).ToList();
        output.WriteLine($"{site.Manifest.Id} ({site.Manifest.Name}): valid");
        output.WriteLine($"  {site.Communities.Count} communities, {site.Courtyards.Count()} courtyards, {site.Agents.Count()} agents, {devices.Count} devices");
        output.WriteLine("  " + string.Join(", ", devices.GroupBy(d => d.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {WireNames.Of(g.Key)}")));
        return 0;
    }
}
