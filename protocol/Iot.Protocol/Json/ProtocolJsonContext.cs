using System.Text.Json;
using System.Text.Json.Serialization;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Protocol.Json;

/// <summary>
/// Source-generated JSON for every message and manifest: camelCase names, numbers as numbers, enums as
/// camelCase strings, times as ISO 8601 UTC, nulls left out. Manifests may carry comments and trailing commas; a misspelt property is an error, not silently ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(TelemetryBatch))]
[JsonSerializable(typeof(DeviceEvent))]
[JsonSerializable(typeof(AgentStatus))]
[JsonSerializable(typeof(Command))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(DesiredConfig))]
[JsonSerializable(typeof(StoredWatermark))]
[JsonSerializable(typeof(SiteManifest))]
[JsonSerializable(typeof(CommunityManifest))]
[JsonSerializable(typeof(AgentManifest))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
