using Iot.Protocol.Identifiers;

namespace Iot.Edge.Provisioning;

/// <summary>
/// The provisioning folder (default <c>provisioning-out/</c>, ignored by git). <c>secrets/</c> is what must be backed
/// up and never shipped; <c>broker/</c> goes to the broker, <c>cloud/</c> to the cloud, <c>bundles/&lt;agent&gt;/</c> to one Pi.
/// </summary>
/// <param name="Root">The folder.</param>
public sealed record ProvisioningLayout(string Root)
{
    /// <summary>The default folder, relative to the working folder.</summary>
    public const string DefaultRoot = "provisioning-out";

    /// <summary>Passwords and the CA's key: back up, keep off every server and Pi.</summary>
    public string Secrets => Path.Combine(Root, "secrets");

    /// <summary>Every account's plain password.</summary>
    public string Accounts => Path.Combine(Secrets, "accounts.txt");

    /// <summary>The CA certificate (also copied to broker/, cloud/ and every bundle).</summary>
    public string CaCert => Path.Combine(Secrets, "ca.crt");

    /// <summary>The CA's private key: signs the broker's certificate.</summary>
    public string CaKey => Path.Combine(Secrets, "ca.key");

    /// <summary>What the broker reads: mounted at /mosquitto/config/iot (Docker) or copied to /etc/mosquitto/iot.</summary>
    public string Broker => Path.Combine(Root, "broker");

    /// <summary>Mosquitto's password file (hashes only).</summary>
    public string PasswordFile => Path.Combine(Broker, "passwd");

    /// <summary>Mosquitto's ACL file.</summary>
    public string Acl => Path.Combine(Broker, "acl");

    /// <summary>EMQX's bootstrap users (the same accounts as <see cref="PasswordFile"/>, hashes only), for docker/compose.emqx.yaml.</summary>
    public string EmqxUsers => Path.Combine(Broker, "emqx-users.json");

    /// <summary>EMQX's file authorization rules (the same rules as <see cref="Acl"/>).</summary>
    public string EmqxAcl => Path.Combine(Broker, "emqx-acl.conf");

    /// <summary>The CA certificate, for the broker's TLS listener.</summary>
    public string BrokerCa => Path.Combine(Broker, "ca.crt");

    /// <summary>The broker's certificate.</summary>
    public string ServerCert => Path.Combine(Broker, "server.crt");

    /// <summary>The broker's private key.</summary>
    public string ServerKey => Path.Combine(Broker, "server.key");

    /// <summary>The password of the health-check account (it may read $SYS/broker/uptime only).</summary>
    public string HealthPassword => Path.Combine(Broker, "health.password");

    /// <summary>What the cloud reads.</summary>
    public string Cloud => Path.Combine(Root, "cloud");

    /// <summary>The CA certificate for the cloud's Broker:CaFile.</summary>
    public string CloudCa => Path.Combine(Cloud, "ca.crt");

    /// <summary>Bundles, one folder per agent.</summary>
    public string Bundles => Path.Combine(Root, "bundles");

    /// <summary>One cloud instance's broker account as environment variables (Broker__Username, ...).</summary>
    public string CloudEnv(int instance) => Path.Combine(Cloud, $"{BrokerAccounts.Cloud(instance)}.env");

    /// <summary>One agent's bundle.</summary>
    public string Bundle(AgentId agent) => Path.Combine(Bundles, agent.Value);
}
