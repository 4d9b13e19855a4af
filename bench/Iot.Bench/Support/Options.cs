using System.Globalization;

namespace Iot.Bench.Support;

/// <summary>Command-line options of the form <c>--name value</c>.</summary>
public static class Options
{
    public static int Number(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static int[] Numbers(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;
    }
}
