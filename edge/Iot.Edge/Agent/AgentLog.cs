using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: device {Device} failed: {Reason}")]
    public static partial void DeviceFailed(ILogger logger, string agent, string device, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: what it has taken from the cloud could not be saved (it holds until restart): {Reason}")]
    public static partial void TrustNotSaved(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: device {Device} opened on a later try")]
    public static partial void DeviceOpened(ILogger logger, string agent, string device);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Agent}: could not write to the outbox: {Reason}")]
    public static partial void OutboxFailed(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: config {Hash} applied")]
    public static partial void ConfigApplied(ILogger logger, string agent, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: config {Hash} rejected: {Reasons}")]
    public static partial void ConfigRejected(ILogger logger, string agent, string hash, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: command {Command} ({Kind}): {Outcome}")]
    public static partial void CommandDone(ILogger logger, string agent, string command, string kind, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: safety event {Kind} on {Device} outlet {Outlet}: {Reason}")]
    public static partial void Safety(ILogger logger, string agent, string kind, string device, int? outlet, string? reason);
}
