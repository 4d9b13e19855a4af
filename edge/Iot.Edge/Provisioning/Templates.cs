namespace Iot.Edge.Provisioning;

/// <summary>
/// The files from <c>firmware-config/</c> that every bundle carries, built into the program (see Iot.Edge.csproj), so a
/// published <c>iot-edge</c> can make bundles on its own.
/// </summary>
public static class Templates
{
    /// <summary>firmware-config/pi/install.sh</summary>
    public const string InstallScript = "install.sh";

    /// <summary>firmware-config/systemd/iot-edge.service</summary>
    public const string Unit = "iot-edge.service";

    /// <summary>firmware-config/systemd/journald-iot-edge.conf</summary>
    public const string Journald = "journald-iot-edge.conf";

    /// <summary>firmware-config/pi/99-iot-edge-gpio.rules</summary>
    public const string UdevRules = "99-iot-edge-gpio.rules";

    /// <summary>firmware-config/pi/iot-hcsr04-overlay.dts</summary>
    public const string RangeFinderOverlay = "iot-hcsr04-overlay.dts";

    /// <summary>The text of a built-in file.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(Templates).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"built-in file {name} is missing from the program");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
