using Iot.Cloud.Operations;

namespace Iot.Cloud.Broker;

/// <summary>
/// The broker accounts from <see cref="BrokerOptions.Accounts"/>: the folder Mosquitto is given, <c>broker/</c> of
/// <c>iot-edge provision broker</c>'s output, with its password file (<c>passwd</c>, hashes only) and ACL (<c>acl</c>).
/// </summary>
/// <param name="Passwords">Who may connect.</param>
/// <param name="Acl">What each account may publish and receive.</param>
/// <param name="Version">The files' write times and sizes, to notice a re-provisioning.</param>
public sealed record AccountFiles(MosquittoPasswordFile Passwords, MosquittoAclFile Acl, string Version)
{
    /// <summary>The password file in <paramref name="folder"/>.</summary>
    public static string PasswordFile(string folder) => Path.Combine(folder, "passwd");

    /// <summary>The ACL file in <paramref name="folder"/>.</summary>
    public static string AclFile(string folder) => Path.Combine(folder, "acl");

    /// <summary>The files' problem, if one is missing: one line naming the setting; null when both are there.</summary>
    public static string? Missing(string folder) =>
        !Directory.Exists(folder) ? $"Broker:Accounts '{folder}' does not exist; give the broker/ folder of `iot-edge provision broker`'s output"
        : !File.Exists(PasswordFile(folder)) ? $"Broker:Accounts '{folder}' has no password file 'passwd'; give the broker/ folder of `iot-edge provision broker`'s output"
        : !File.Exists(AclFile(folder)) ? $"Broker:Accounts '{folder}' has no ACL file 'acl'; give the broker/ folder of `iot-edge provision broker`'s output"
        : null;

    /// <summary>Reads both files; throws <see cref="SettingsException"/> naming the file and line of a problem.</summary>
    public static AccountFiles Load(string folder)
    {
        if (Missing(folder) is { } problem)
        {
            throw new SettingsException(problem);
        }

        var version = VersionOf(folder);
        return new AccountFiles(MosquittoPasswordFile.Load(PasswordFile(folder)), MosquittoAclFile.Load(AclFile(folder)), version);
    }

    /// <summary>The two files' write times and sizes: a re-provisioning (or any edit) changes at least one.</summary>
    public static string VersionOf(string folder)
    {
        var passwd = new FileInfo(PasswordFile(folder));
        var acl = new FileInfo(AclFile(folder));
        return FormattableString.Invariant($"{passwd.LastWriteTimeUtc.Ticks}/{passwd.Length} {acl.LastWriteTimeUtc.Ticks}/{acl.Length}");
    }
}
