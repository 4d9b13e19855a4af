using Microsoft.Extensions.Options;

namespace Iot.Cloud.Signing;

/// <summary>The key the cloud signs desired configs and commands with (section <c>Signing</c>).</summary>
public sealed class SigningOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Signing";

    /// <summary>
    /// The cloud's private key, PEM (ECDSA P-256). Created on the first start, readable by the service's user only; its
    /// public half is written beside it as <c>&lt;name&gt;.pub.pem</c>, which goes into every agent's bundle.
    /// </summary>
    public string KeyFile { get; set; } = Path.Combine("data", "keys", "cloud-signing.pem");

    /// <summary>Where the public half lives: <see cref="KeyFile"/> with <c>.pub.pem</c> for <c>.pem</c>.</summary>
    public string PublicKeyFile => Path.ChangeExtension(KeyFile, null) + ".pub.pem";
}

/// <summary>Refuses a signing key setting that cannot work, naming it.</summary>
public sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.KeyFile) || !options.KeyFile.EndsWith(".pem", StringComparison.Ordinal)
            ? ValidateOptionsResult.Fail($"Signing:KeyFile '{options.KeyFile}' must name a .pem file for the cloud's private signing key (it is created if missing)")
            : ValidateOptionsResult.Success;
    }
}
