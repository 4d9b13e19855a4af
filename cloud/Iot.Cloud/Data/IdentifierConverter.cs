using Iot.Protocol.Identifiers;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Iot.Cloud.Data;

/// <summary>
/// Stores a protocol identifier (<see cref="AgentId"/>, <see cref="CourtyardId"/>, <see cref="DeviceId"/>) as its text, so the
/// column keeps the values it had as a string; reading one back checks it against the identifier's rules.
/// </summary>
/// <typeparam name="T">The identifier.</typeparam>
public sealed class IdentifierConverter<T>() : ValueConverter<T, string>(v => v.Value, s => Identifier.Parse<T>(s))
    where T : struct, IIdentifier<T>;
