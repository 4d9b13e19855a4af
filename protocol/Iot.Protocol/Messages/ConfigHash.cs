using System.Security.Cryptography;
using Iot.Protocol.Json;
using Iot.Protocol.Sites;

namespace Iot.Protocol.Messages;

/// <summary>
/// The hash that names a configuration: lowercase hex SHA-256 of the agent manifest's JSON as this library
/// writes it, with threshold names sorted. Equal configurations have equal hashes on every side.
/// </summary>
public static class ConfigHash
{
    /// <summary>The hash of <paramref name="config"/>.</summary>
    public static string Of(AgentManifest config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var canonical = config with
        {
            Devices = config.Devices.Select(d => d with
            {
                Thresholds = d.Thresholds?.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value),
            }).ToList(),
        };
        return Convert.ToHexStringLower(SHA256.HashData(ProtocolJson.Serialize(canonical)));
    }
}
