using Microsoft.Extensions.Logging;

namespace Iot.Edge.Uplink;

internal static partial class UplinkLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: connected to {Broker} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string agent, string broker, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: cannot connect to {Broker}: {Reason}; next try in {Delay:0.0} s")]
    public static partial void ConnectFailed(ILogger logger, string agent, string broker, string reason, double delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: publishing failed: {Reason}")]
    public static partial void PublishFailed(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Agent}: the broker refused a record for good ({Code}); it is removed from the outbox")]
    public static partial void Refused(ILogger logger, string agent, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: ignored a message on {Topic}: {Reason}")]
    public static partial void Ignored(ILogger logger, string agent, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Agent}: {Count} records the broker acknowledged have waited {Seconds:0} s for the cloud's watermark; sending them again")]
    public static partial void Stalled(ILogger logger, string agent, long count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Agent}: offline ({Reason})")]
    public static partial void Offline(ILogger logger, string agent, string reason);
}
