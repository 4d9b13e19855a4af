using Microsoft.Extensions.Options;

namespace Iot.Edge.Config;

/// <summary>Refuses agent settings that cannot work, naming the setting.</summary>
public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Site) || !File.Exists(Path.Combine(options.Site, "site.json")))
        {
            failures.Add($"Edge:Site '{options.Site}' is not a site folder (it needs site.json and communities/*.json)");
        }

        if (string.IsNullOrWhiteSpace(options.DataFolder))
        {
            failures.Add("Edge:DataFolder is empty; give the folder for outboxes and latches");
        }

        if (options.Agents < 0)
        {
            failures.Add($"Edge:Agents is {options.Agents}; it must be 0 (all) or more");
        }

        if (options.SampleSeconds is { } s && (!double.IsFinite(s) || s < 0.1 || s > 3600))
        {
            failures.Add($"Edge:SampleSeconds is {s}; it must be 0.1 to 3600");
        }

        if (options.TickMilliseconds is < 10 or > 1000)
        {
            failures.Add($"Edge:TickMilliseconds is {options.TickMilliseconds}; it must be 10 to 1000");
        }

        if (options.StatusSeconds is < 1 or > 86400)
        {
            failures.Add($"Edge:StatusSeconds is {options.StatusSeconds}; it must be 1 to 86400");
        }

        if (options.ReleaseStartupMemorySeconds < 0)
        {
            failures.Add($"Edge:ReleaseStartupMemorySeconds is {options.ReleaseStartupMemorySeconds}; it must be 0 (keep) or more");
        }

        if (options.DiskLowBytes < 0)
        {
            failures.Add($"Edge:DiskLowBytes is {options.DiskLowBytes}; it must be 0 or more");
        }

        if (options.TrustedKeys is { } keys)
        {
            if (!Directory.Exists(keys))
            {
                failures.Add($"Edge:TrustedKeys '{keys}' is not a folder; give the folder holding the cloud's public key (*.pub.pem, in the agent's bundle)");
            }
            else
            {
                try
                {
                    using var trusted = options.LoadTrustedKeys();
                    if (trusted.IsEmpty)
                    {
                        failures.Add($"Edge:TrustedKeys '{keys}' holds no *.pub.pem public key");
                    }
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or IOException)
                {
                    failures.Add($"Edge:TrustedKeys '{keys}' holds a file that is not an ECDSA P-256 public key: {e.Message}");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
