using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Protocol.Messages;

/// <summary>
/// The configuration an agent should run, published retained on its <c>config</c> channel by the cloud.
/// The agent validates it, applies it or refuses it, and reports the hash in force in its status.
/// </summary>
/// <param name="V">Protocol version.</param>
/// <param name="Agent">The addressed agent; must match the topic and <see cref="AgentManifest.Id"/>.</param>
/// <param name="Hash">Hex SHA-256 of the canonical JSON of <see cref="Config"/> (see <see cref="ConfigHash"/>).</param>
/// <param name="IssuedAt">When the cloud derived it, UTC.</param>
/// <param name="Config">The agent's slice of its site manifest: its devices, parts and thresholds.</param>
public sealed record DesiredConfig(
    ProtocolVersion V,
    AgentId Agent,
    string Hash,
    DateTimeOffset IssuedAt,
    AgentManifest Config);
