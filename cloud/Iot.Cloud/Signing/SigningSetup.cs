using Microsoft.Extensions.Options;

namespace Iot.Cloud.Signing;

/// <summary>Wires the cloud's signing key; it is loaded (or created) at start, so a bad key file stops the start.</summary>
public static class SigningSetup
{
    public static IHostApplicationBuilder AddSigning(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SigningOptions>, SigningOptionsValidator>();
        builder.Services.AddSingleton<CloudSigner>();
        return builder;
    }
}
