using Iot.Edge.Sites;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Provisioning;

/// <summary>
/// <c>iot-edge provision broker|bundle</c>: the broker's accounts, ACL and TLS for a site, and one Pi's bundle.
/// See firmware-config/README.md.
/// </summary>
public static class ProvisionCommand
{
    private const string Usage = """
        usage: iot-edge provision broker <site folder> [--out <folder>] [--host <name or IP>]... [--cloud-instances N]
                 an MQTT account per agent, the cloud's and the health check's; Mosquitto's password file and ACL;
                 a CA and the broker's TLS certificate for the --host names. Run again after changing the manifests:
                 passwords, the CA and a still-good certificate are kept.
               iot-edge provision bundle <site folder> --agent <id> --broker <host:port> --cloud-key <file> [--out <folder>] [--binary <folder>]
                 one Raspberry Pi's bundle: manifest slice, credentials, CA, the cloud's key, unit, boot config, install script
                 (--cloud-key: the cloud's public signing key, cloud-signing.pub.pem beside its Signing:KeyFile; give it
                 twice, old and new, while the cloud's key is being changed. --binary: a `dotnet publish -r linux-arm64`
                 output folder to ship in the bundle)
        --out defaults to ./provisioning-out.
        """;

    /// <summary>Runs the verb; returns the exit code (0 done, 1 failed, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length < 2 || args[0] is not ("broker" or "bundle"))
        {
            output.WriteLine(Usage);
            return 2;
        }

        var options = ProvisionArguments.Parse(args[1..], out var problem);
        if (options is null || options.Site is null)
        {
            output.WriteLine($"iot-edge provision {args[0]}: {problem ?? "give the site folder"}");
            output.WriteLine(Usage);
            return 2;
        }

        var read = SiteFiles.Read(options.Site);
        if (read.Site is not { } site)
        {
            output.WriteLine($"iot-edge provision: {options.Site} has problems (see `iot-edge validate {options.Site}`):");
            foreach (var p in read.Problems.Take(10))
            {
                output.WriteLine($"  {p}");
            }

            return 1;
        }

        try
        {
            return args[0] == "broker" ? Broker(site, options, output) : Bundle(site, options, output);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or InvalidDataException or KeyNotFoundException)
        {
            output.WriteLine($"iot-edge provision {args[0]}: {e.Message}");
            return 1;
        }
    }

    private static int Broker(Site site, ProvisionArguments options, TextWriter output)
    {
        if (options.Agent is not null || options.Broker is not null || options.Binary is not null || options.CloudKeys.Count > 0)
        {
            output.WriteLine("iot-edge provision broker: --agent, --broker, --cloud-key and --binary belong to `provision bundle`");
            return 2;
        }

        var layout = new ProvisioningLayout(options.Out);
        var result = BrokerProvisioner.Run(site, layout, options.Hosts, options.CloudInstances, DateTimeOffset.UtcNow);
        var agents = site.Agents.Count();
        output.WriteLine($"Broker for site {site.Manifest.Id} provisioned in {layout.Root}:");
        output.WriteLine($"  accounts: {result.Accounts.Count} ({agents} agents, {2 * options.CloudInstances} for {options.CloudInstances} cloud instance{(options.CloudInstances == 1 ? string.Empty : "s")}, 1 health check); {result.Added.Count} new, {result.Removed.Count} removed{(result.Removed.Count > 0 ? $" ({string.Join(", ", result.Removed.Take(10))})" : string.Empty)}");
        output.WriteLine($"  CA: {(result.NewCa ? "new" : "kept")} (secrets/ca.crt; secrets/ca.key and secrets/accounts.txt stay with you, backed up, on no server)");
        output.WriteLine($"  broker certificate: {(result.NewServerCertificate ? "new" : "kept")}, for {string.Join(", ", result.ServerNames)}");
        output.WriteLine($"  files written: {(result.Changed.Count == 0 ? "none (everything was up to date)" : string.Join(", ", result.Changed))}");
        var root = Path.GetFullPath(layout.Root);
        output.WriteLine($"""

            Next:
              Docker:  set IOT_PROVISIONING={root} in docker/.env, then
                       sudo chown -R 1883:1883 {root}/broker   (the Mosquitto image's user), and docker compose up -d
                       after a change: docker compose kill -s HUP mosquitto   (a new certificate: docker compose restart mosquitto)
              EMQX:    docker/compose.emqx.yaml instead (broker/emqx-users.json, broker/emqx-acl.conf; --cloud-instances 2;
                       sudo chown -R 1000:1000 {root}/broker), see docker/README.md
              Debian:  sudo install -d -o mosquitto -m 0750 /etc/mosquitto/iot && sudo cp {root}/broker/* /etc/mosquitto/iot/
                       sudo chown mosquitto /etc/mosquitto/iot/* && sudo cp firmware-config/broker/iot.conf /etc/mosquitto/conf.d/
                       sudo systemctl restart mosquitto
              Cloud:   the environment in {root}/cloud/cloud-1.env, Broker__CaFile={root}/cloud/ca.crt
              Each Pi: iot-edge provision bundle {options.Site} --agent <id> --broker {(options.Hosts.Count > 0 ? options.Hosts[0] : "<host>")}:8883 --cloud-key <cloud-signing.pub.pem> --out {layout.Root}
            """);
        return 0;
    }

    private static int Bundle(Site site, ProvisionArguments options, TextWriter output)
    {
        if (options.Agent is null || options.Broker is null)
        {
            output.WriteLine("iot-edge provision bundle: give --agent <id> and --broker <host:port> (the address the Pi uses, TLS port)");
            return 2;
        }

        if (!AgentId.TryParse(options.Agent, out var agent, out var problem))
        {
            output.WriteLine($"iot-edge provision bundle: --agent: {problem}");
            return 2;
        }

        if (options.CloudKeys.Count == 0)
        {
            output.WriteLine("iot-edge provision bundle: give --cloud-key <file>: the cloud's public signing key (cloud-signing.pub.pem, written beside its Signing:KeyFile at its first start); the agent believes configs and commands signed with it only");
            return 2;
        }

        var layout = new ProvisioningLayout(options.Out);
        var bundle = BundleProvisioner.Run(options.Site!, site, agent, layout, options.Broker, options.Binary, options.CloudKeys);
        output.WriteLine($"Bundle for {bundle.Agent} written to {bundle.Folder}");
        output.WriteLine(bundle.Steps);
        return 0;
    }
}
