using Microsoft.Extensions.Options;

namespace Iot.Cloud.Broker;

/// <summary>Stops the process at start with a message naming the wrong broker setting.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Broker:Host is empty");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Broker:Port {options.Port} is not a TCP port (1-65535)");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Broker:ClientId is empty; each cloud instance needs its own");
        }

        if (options.Username is not null && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Broker:Password is empty while Broker:Username is set");
        }

        if (options.CaFile is { } ca && !File.Exists(ca))
        {
            failures.Add($"Broker:CaFile '{ca}' does not exist");
        }

        if (options.SharedGroup.Length > 0 && Iot.Protocol.Identifiers.IdentifierRules.SlugProblem(options.SharedGroup, "Broker:SharedGroup") is { } problem)
        {
            failures.Add(problem);
        }

        if (options.KeepAlive < TimeSpan.FromSeconds(1) || options.KeepAlive > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Broker:KeepAlive {options.KeepAlive} must be between 1 second and 10 minutes");
        }

        if (options.ReceiveMaximum is < 1 or > 65535)
        {
            failures.Add($"Broker:ReceiveMaximum {options.ReceiveMaximum} must be between 1 and 65535");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
