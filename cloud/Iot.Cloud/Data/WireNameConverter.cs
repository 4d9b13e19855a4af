using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Iot.Cloud.Data;

/// <summary>
/// Stores an enum by its wire name (<c>online</c>, <c>gateForced</c>): the text the protocol and the API use, so a row
/// reads like the message it came from and the column keeps the values it had as a string.
/// </summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class WireNameConverter<T>() : ValueConverter<T, string>(v => WireNames.Of(v), s => Parse(s))
    where T : struct, Enum
{
    private static T Parse(string name) =>
        WireNames.TryParse<T>(name, out var value) ? value : throw new InvalidOperationException($"'{name}' is not a {typeof(T).Name} ({string.Join(", ", WireNames.All<T>())})");
}
