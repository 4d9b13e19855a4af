using Microsoft.Extensions.Logging;

namespace Iot.Edge.Outbox;

internal static partial class OutboxLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Folder} opened: {Depth} records ({Bytes} bytes) waiting, {Corrupted} damaged regions skipped")]
    public static partial void Recovered(ILogger logger, string folder, long depth, long bytes, long corrupted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox full: dropped {Count} {Priority} records")]
    public static partial void Dropped(ILogger logger, long count, OutboxPriority priority);
}
