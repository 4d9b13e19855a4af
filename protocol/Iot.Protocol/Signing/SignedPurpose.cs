namespace Iot.Protocol.Signing;

/// <summary>
/// What a signed message is for, carried as the JWS header's <c>typ</c>: a signature made for a config cannot be
/// passed off as a command, or the other way round.
/// </summary>
public static class SignedPurpose
{
    /// <summary>A <see cref="Messages.DesiredConfig"/> on an agent's <c>config</c> channel.</summary>
    public const string Config = "iot-config";

    /// <summary>A <see cref="Messages.Command"/> on an agent's <c>commands</c> channel.</summary>
    public const string Command = "iot-command";
}
