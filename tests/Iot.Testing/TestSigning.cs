using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;

namespace Iot.Testing;

/// <summary>
/// The key the tests sign configs and commands with, standing in for the cloud's, and where its public half lies for
/// agents to trust (<c>Edge:TrustedKeys</c>). One key per test run.
/// </summary>
public static class TestSigning
{
    /// <summary>The signing key.</summary>
    public static SigningKey Key { get; } = SigningKey.Create();

    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "trusted-keys")).FullName;
        foreach (var old in Directory.GetFiles(folder, "*.pub.pem"))
        {
            File.Delete(old);
        }

        File.WriteAllText(Path.Combine(folder, "test-cloud.pub.pem"), Key.ToPublicPem());
        return folder;
    });

    /// <summary>A folder holding only the key's public half, as an agent's bundle holds the cloud's.</summary>
    public static string TrustedKeysFolder => Folder.Value;

    /// <summary>The public key, as an agent trusts it (dispose after use).</summary>
    public static TrustedKeys Trusted() => TrustedKeys.Of(Key);

    /// <summary>A desired config as the cloud publishes it: signed.</summary>
    public static byte[] Sign(DesiredConfig config) => SignedMessage.Sign(ProtocolJson.Serialize(config), Key, SignedPurpose.Config);

    /// <summary>A command as the cloud publishes it: signed.</summary>
    public static byte[] Sign(Command command) => SignedMessage.Sign(ProtocolJson.Serialize(command), Key, SignedPurpose.Command);

    /// <summary>Any payload signed for <paramref name="purpose"/> (hand-written JSON, hostile content).</summary>
    public static byte[] Sign(byte[] payload, string purpose) => SignedMessage.Sign(payload, Key, purpose);
}
