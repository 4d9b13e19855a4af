using System.Globalization;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Provisioning;

/// <summary>What <see cref="BundleProvisioner.Run"/> made.</summary>
/// <param name="Folder">The bundle folder.</param>
/// <param name="Agent">The agent.</param>
/// <param name="Courtyard">Its courtyard.</param>
/// <param name="Broker">The broker address the agent will use.</param>
/// <param name="Boot">What its Pi's boot configuration needs.</param>
/// <param name="HasBinary">Whether the published agent is in the bundle.</param>
/// <param name="Steps">The steps to install it, as printed.</param>
public sealed record AgentBundle(string Folder, AgentId Agent, CourtyardId Courtyard, string Broker, PiBootConfig Boot, bool HasBinary, string Steps);

/// <summary>
/// One agent's bundle: everything its Pi needs, made from the site and the broker's provisioning. Install on a Pi is:
/// copy the folder, run <c>sudo ./install.sh</c>.
/// </summary>
public static class BundleProvisioner
{
    /// <summary>Where the bundle puts things on the Pi (also written in install.sh and the unit).</summary>
    public const string CaOnPi = "/etc/iot-edge/broker-ca.pem";

    /// <summary>Where the cloud's public signing key(s) go on the Pi (install.sh puts the bundle's trusted-keys/ there).</summary>
    public const string TrustedKeysOnPi = "/etc/iot-edge/trusted-keys";

    /// <summary>Makes (or remakes) the bundle of <paramref name="agent"/>.</summary>
    public static AgentBundle Run(string siteFolder, Site site, AgentId agent, ProvisioningLayout layout, string broker, string? binaryFolder, IReadOnlyList<string> cloudKeys)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(cloudKeys);
        var keys = cloudKeys.Select(ReadCloudKey).ToList();
        if (site.FindAgent(agent) is not var (courtyard, manifest))
        {
            throw new InvalidOperationException($"no agent '{agent}' in site {site.Manifest.Id}; e.g. {string.Join(", ", site.Agents.Take(3).Select(a => a.Agent.Id))}");
        }

        var book = AccountBook.Load(layout.Accounts);
        if (!book.Has(agent.Value) || !File.Exists(layout.CaCert))
        {
            throw new InvalidOperationException($"{layout.Root} has no broker account for {agent}: run `iot-edge provision broker {siteFolder} --out {layout.Root}` first (again after adding agents)");
        }

        if (binaryFolder is not null && !File.Exists(Path.Combine(binaryFolder, "iot-edge")))
        {
            throw new InvalidOperationException($"--binary {binaryFolder}: no iot-edge program there; publish it with `dotnet publish edge/Iot.Edge -c Release -r linux-arm64 -o <folder>`");
        }

        // The bundle is derived output: made afresh, so nothing stale survives in it.
        var folder = layout.Bundle(agent);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        OutputFiles.Folder(layout.Bundles, OutputFiles.SecretFolder);
        OutputFiles.Folder(folder, OutputFiles.SecretFolder);
        ManifestSlice.Write(siteFolder, courtyard.Id, agent, Path.Combine(folder, "site"));
        var boot = PiBootConfig.For(manifest);

        OutputFiles.Write(Path.Combine(folder, "agent.env"), $"""
            # Agent {agent}'s identity and broker account, made by `iot-edge provision bundle`. Secret: install.sh puts it in
            # /etc/iot-edge/agent.env, mode 0600, owned by the service user iot-edge; systemd passes it to the agent.
            AGENT_ID={agent}
            Mqtt__Broker={broker}
            Mqtt__UseTls=true
            Mqtt__CaFile={CaOnPi}
            Mqtt__Username={agent}
            Mqtt__Password={book.PasswordOf(agent.Value)}
            Edge__TrustedKeys={TrustedKeysOnPi}

            """, OutputFiles.Secret);
        File.Copy(layout.CaCert, Path.Combine(folder, "broker-ca.pem"));
        OutputFiles.Folder(Path.Combine(folder, "trusted-keys"), OutputFiles.PublicFolder);
        foreach (var (name, pem) in keys)
        {
            OutputFiles.Write(Path.Combine(folder, "trusted-keys", name), pem, OutputFiles.Public);
        }

        OutputFiles.Write(Path.Combine(folder, "config.txt.fragment"), boot.Fragment(agent.Value), OutputFiles.Public);
        OutputFiles.Write(Path.Combine(folder, "bundle.env"), string.Create(CultureInfo.InvariantCulture, $"""
            # What install.sh needs to know about this bundle (made by `iot-edge provision bundle`).
            AGENT_ID={agent}
            COURTYARD_ID={courtyard.Id}
            SITE_ID={site.Manifest.Id}
            BROKER={broker}
            NEEDS_I2C={(boot.I2cBuses.Count > 0 ? 1 : 0)}
            I2C_BUSES="{string.Join(' ', boot.I2cBuses)}"
            NEEDS_ONEWIRE={(boot.OneWire ? 1 : 0)}
            NEEDS_HCSR04={(boot.RangeFinders.Count > 0 ? 1 : 0)}

            """), OutputFiles.Public);
        OutputFiles.Write(Path.Combine(folder, Templates.Unit), Templates.Read(Templates.Unit), OutputFiles.Public);
        OutputFiles.Write(Path.Combine(folder, Templates.Journald), Templates.Read(Templates.Journald), OutputFiles.Public);
        OutputFiles.Write(Path.Combine(folder, Templates.UdevRules), Templates.Read(Templates.UdevRules), OutputFiles.Public);
        if (boot.RangeFinders.Count > 0)
        {
            OutputFiles.Write(Path.Combine(folder, Templates.RangeFinderOverlay), Templates.Read(Templates.RangeFinderOverlay), OutputFiles.Public);
        }

        OutputFiles.Write(Path.Combine(folder, Templates.InstallScript), Templates.Read(Templates.InstallScript), OutputFiles.Executable);
        if (binaryFolder is not null)
        {
            CopyFolder(binaryFolder, Path.Combine(folder, "iot-edge"));
        }

        var steps = Steps(folder, agent, courtyard, broker, boot, binaryFolder is not null);
        OutputFiles.Write(Path.Combine(folder, "STEPS.txt"), steps, OutputFiles.Public);
        return new AgentBundle(folder, agent, courtyard.Id, broker, boot, binaryFolder is not null, steps);
    }

    // The cloud's public key as the agent will read it: a P-256 public key, kept under its file name (*.pub.pem).
    private static (string Name, string Pem) ReadCloudKey(string file)
    {
        if (!file.EndsWith(".pub.pem", StringComparison.Ordinal) || !File.Exists(file))
        {
            throw new InvalidOperationException($"--cloud-key {file}: give the cloud's public key file, cloud-signing.pub.pem beside its Signing:KeyFile");
        }

        var pem = File.ReadAllText(file);
        try
        {
            using var key = Protocol.Signing.TrustedKeys.FromPem([pem]);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"--cloud-key {file}: not an ECDSA P-256 public key: {e.Message}", e);
        }

        return (Path.GetFileName(file), pem);
    }

    private static string Steps(string folder, AgentId agent, CourtyardManifest courtyard, string broker, PiBootConfig boot, bool hasBinary)
    {
        var name = Path.GetFileName(folder);
        var binary = hasBinary
            ? "The published agent is in the bundle (iot-edge/)."
            : "No agent program in the bundle: copy a linux-arm64 build to /opt/iot-edge/ first, or make the bundle again with --binary <folder>.";
        var buses = string.Join(" and ", new[] { boot.I2cBuses.Count > 0 ? "I2C" : null, boot.OneWire ? "1-Wire" : null, boot.RangeFinders.Count > 0 ? "HC-SR04" : null }.OfType<string>());
        return $"""
            Bundle for agent {agent} in courtyard {courtyard.Id} ({courtyard.Name}), broker {broker} over TLS.
            {binary}

              1. Flash Raspberry Pi OS Lite (64-bit) with Raspberry Pi Imager; set host name, user, Wi-Fi and SSH there.
              2. Copy the bundle:          scp -r {folder} <user>@<pi>:~/{name}
              3. Check the Pi first:       ssh <user>@<pi> '~/{name}/install.sh --dry-run'
              4. Install (idempotent):     ssh <user>@<pi> 'sudo ~/{name}/install.sh'
              5. {(buses.Length > 0 ? $"Reboot once ({buses} on):  ssh <user>@<pi> 'sudo reboot'" : "No boot changes are needed.")}
              6. Watch it come online:     ssh <user>@<pi> 'journalctl -u iot-edge -f'   and   GET /api/agents/{agent} on the cloud
            Then delete the bundle from the Pi's home folder (~/{name}/agent.env holds the agent's password).

            """;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true); // keeps the executable bits on Unix
        }
    }
}
