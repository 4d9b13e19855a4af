using System.Security.Cryptography;
using Iot.Cloud.Operations;
using Iot.Protocol.Signing;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Signing;

/// <summary>
/// Signs what the cloud sends to agents (desired configs, commands) with its own key, the only key agents believe. The
/// key is read from <see cref="SigningOptions.KeyFile"/>, or created there on the first start (mode 0600); its public
/// half is written beside it for provisioning. See protocol/README.md, "Signed configs and commands".
/// </summary>
public sealed partial class CloudSigner : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly SigningKey _key;

    public CloudSigner(IOptions<SigningOptions> options, ILogger<CloudSigner> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _key = File.Exists(o.KeyFile) ? Load(o.KeyFile, logger) : Create(o.KeyFile, logger);
        try
        {
            File.WriteAllText(o.PublicKeyFile, _key.ToPublicPem());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Signing:KeyFile: cannot write the public key beside it at {o.PublicKeyFile}: {e.Message}", e);
        }

        PublicKeyFile = o.PublicKeyFile;
        LogKey(logger, _key.KeyId, o.PublicKeyFile);
    }

    /// <summary>The key's id, as agents see it in every signed message.</summary>
    public string KeyId => _key.KeyId;

    /// <summary>The public half, for agents' bundles (<c>iot-edge provision bundle --cloud-key</c>).</summary>
    public string PublicKeyFile { get; }

    /// <summary>Signs <paramref name="payload"/> (a serialized config or command) for <paramref name="purpose"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> payload, string purpose) => SignedMessage.Sign(payload, _key, purpose);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private static SigningKey Load(string file, ILogger logger)
    {
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(file, OwnerOnly); // a key others can read is not the cloud's alone
                LogTightened(logger, file);
            }

            return SigningKey.FromPem(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SettingsException($"Signing:KeyFile '{file}' is not a readable ECDSA P-256 private key (PEM): {e.Message}", e);
        }
    }

    private static SigningKey Create(string file, ILogger logger)
    {
        var key = SigningKey.Create();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = OwnerOnly;
            }

            using (var writer = new StreamWriter(file, System.Text.Encoding.ASCII, create))
            {
                writer.Write(key.ToPrivatePem());
            }

            LogCreated(logger, file);
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            throw new SettingsException($"Signing:KeyFile: cannot create the cloud's signing key at {file}: {e.Message}", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configs and commands are signed with key {KeyId}; its public half (for agents' bundles) is {PublicKeyFile}")]
    private static partial void LogKey(ILogger logger, string keyId, string publicKeyFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created a new signing key at {File}: agents trust only the key in their bundles, so re-provision them with its public half")]
    private static partial void LogCreated(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The signing key {File} was readable by others; it is now readable by this service's user only")]
    private static partial void LogTightened(ILogger logger, string file);
}
