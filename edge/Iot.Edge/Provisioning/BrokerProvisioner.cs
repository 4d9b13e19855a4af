using System.Security.Cryptography.X509Certificates;
using System.Text;
using Iot.Protocol.Sites;

namespace Iot.Edge.Provisioning;

/// <summary>What <see cref="BrokerProvisioner.Run"/> did.</summary>
/// <param name="Accounts">Every account, health and cloud first.</param>
/// <param name="Added">Accounts that got a new password.</param>
/// <param name="Removed">Accounts of agents no longer in the site.</param>
/// <param name="NewCa">Whether a CA was made (the first run only, unless secrets/ was lost).</param>
/// <param name="NewServerCertificate">Whether the broker's certificate was (re)issued.</param>
/// <param name="ServerNames">The names the broker's certificate carries.</param>
/// <param name="Changed">Files written (others already held the right content).</param>
public sealed record BrokerProvisioning(
    IReadOnlyList<string> Accounts,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    bool NewCa,
    bool NewServerCertificate,
    IReadOnlyList<string> ServerNames,
    IReadOnlyList<string> Changed);

/// <summary>
/// Provisions the broker for a site: an account per agent plus the cloud's and the health check's, Mosquitto's
/// password file and ACL (and the same for EMQX), a CA and the broker's certificate, and the cloud's account as environment variables.
/// Running it again changes only what must change: passwords, the CA and a still-good certificate are kept.
/// </summary>
public static class BrokerProvisioner
{
    /// <summary>Provisions into <paramref name="layout"/>; <paramref name="hosts"/> are the names agents use to reach the broker.</summary>
    public static BrokerProvisioning Run(Site site, ProvisioningLayout layout, IReadOnlyList<string> hosts, int cloudInstances, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(hosts);
        if (site.Agents.FirstOrDefault(a => BrokerAccounts.IsReserved(a.Agent.Id.Value)) is { Agent: { } clash })
        {
            throw new InvalidOperationException($"agent '{clash.Id}' has the name of a broker account that is not an agent; rename it in the manifest");
        }

        var changed = new List<string>();
        void Write(string path, string text, UnixFileMode mode)
        {
            if (OutputFiles.Write(path, text, mode))
            {
                changed.Add(Path.GetRelativePath(layout.Root, path));
            }
        }

        OutputFiles.Folder(layout.Root, OutputFiles.Executable);
        OutputFiles.Folder(layout.Secrets, OutputFiles.SecretFolder);

        // Accounts and passwords.
        var book = AccountBook.Load(layout.Accounts);
        List<string> names = [BrokerAccounts.Health, .. Enumerable.Range(1, cloudInstances).SelectMany(i => new[] { BrokerAccounts.Cloud(i), BrokerAccounts.CloudEvents(i) }), .. site.Agents.Select(a => a.Agent.Id.Value)];
        var (added, removed) = book.Reconcile(names);
        Write(layout.Accounts, book.ToText(), OutputFiles.Secret);

        // The CA, made once.
        var newCa = !File.Exists(layout.CaCert) || !File.Exists(layout.CaKey);
        using var ca = newCa ? BrokerCertificates.NewCa(site.Manifest.Id.Value, now) : BrokerCertificates.Load(layout.CaCert, layout.CaKey);
        Write(layout.CaKey, BrokerCertificates.KeyPem(ca), OutputFiles.Secret);
        Write(layout.CaCert, ca.ExportCertificatePem() + "\n", OutputFiles.Public);

        // The broker's certificate, kept while it is still good for these names.
        var serverNames = hosts.Concat(BrokerCertificates.BuiltInNames).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        X509Certificate2? kept = null;
        if (File.Exists(layout.ServerCert) && File.Exists(layout.ServerKey))
        {
            kept = BrokerCertificates.Load(layout.ServerCert, layout.ServerKey);
            if (!BrokerCertificates.StillGood(kept, ca, serverNames, now))
            {
                kept.Dispose();
                kept = null;
            }
        }

        using var server = kept ?? BrokerCertificates.NewServer(ca, serverNames, now);
        OutputFiles.Folder(layout.Broker, OutputFiles.Executable);
        Write(layout.ServerCert, server.ExportCertificatePem() + "\n", OutputFiles.Public);
        Write(layout.ServerKey, BrokerCertificates.KeyPem(server), OutputFiles.GroupReadable);
        Write(layout.BrokerCa, ca.ExportCertificatePem() + "\n", OutputFiles.Public);

        // Mosquitto's files: hashes only; an entry that still matches its password is kept as it is.
        Write(layout.PasswordFile, PasswordFile(book, layout.PasswordFile), OutputFiles.GroupReadable);
        Write(layout.Acl, BrokerAcl.For(site, cloudInstances), OutputFiles.GroupReadable);
        Write(layout.HealthPassword, book.PasswordOf(BrokerAccounts.Health) + "\n", OutputFiles.GroupReadable);

        // The same accounts and rules for EMQX (docker/compose.emqx.yaml), hashes only.
        Write(layout.EmqxUsers, EmqxUsers.File(book, layout.EmqxUsers), OutputFiles.GroupReadable);
        Write(layout.EmqxAcl, EmqxAcl.For(site, cloudInstances), OutputFiles.GroupReadable);

        // The cloud: its accounts as environment variables, and the CA to pin.
        OutputFiles.Folder(layout.Cloud, OutputFiles.SecretFolder);
        Write(layout.CloudCa, ca.ExportCertificatePem() + "\n", OutputFiles.Public);
        for (var instance = 1; instance <= cloudInstances; instance++)
        {
            var account = BrokerAccounts.Cloud(instance);
            var events = BrokerAccounts.CloudEvents(instance);
            Write(layout.CloudEnv(instance), $"""
                # Cloud instance {instance}'s broker accounts, made by `iot-edge provision broker`. Secret: give them to that instance only
                # (compose reads them with env_file). The broker uses the user name as the client id. Device events come on a
                # session of their own (the second account), so an alarm never waits behind telemetry in flight.
                Broker__Username={account}
                Broker__Password={book.PasswordOf(account)}
                Broker__ClientId={account}
                Broker__EventsUsername={events}
                Broker__EventsPassword={book.PasswordOf(events)}

                """, OutputFiles.Secret);
        }

        return new BrokerProvisioning(book.Names, added, removed, newCa, kept is null, serverNames, changed);
    }

    private static string PasswordFile(AccountBook book, string existingFile)
    {
        var existing = File.Exists(existingFile)
            ? File.ReadAllLines(existingFile).Where(l => l.Contains(':', StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal)
            : [];
        var text = new StringBuilder();
        foreach (var name in book.Names)
        {
            var password = book.PasswordOf(name);
            text.Append(existing.TryGetValue(name, out var entry) && MosquittoPasswords.Verifies(entry, password) ? entry : MosquittoPasswords.Entry(name, password)).Append('\n');
        }

        return text.ToString();
    }
}
