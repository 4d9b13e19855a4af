using Microsoft.Extensions.Logging;

namespace Iot.Edge.Outbox;

internal static partial class OutboxLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Folder} opened: {Depth} records ({Bytes} bytes) waiting, {Corrupted} damaged regions skipped")]
    public static partial void Recovered(ILogger logger, string folder, long depth, long bytes, long corrupted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox full: dropped {Count} {Priority} records")]
    public static partial void Dropped(ILogger logger, long count, OutboxPriority priority);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox could not write a {Priority} record ({Reason}); dropping the oldest telemetry to make room")]
    public static partial void WriteFailed(ILogger logger, OutboxPriority priority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dropped a {Priority} record: nothing less important is left to make room on the disk ({Reason})")]
    public static partial void Lost(ILogger logger, OutboxPriority priority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox could not save its {Priority} cursor ({Reason}); after a restart those records are sent again and the cloud drops the duplicates")]
    public static partial void CursorNotSaved(ILogger logger, OutboxPriority priority, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox could not force records to disk: {Reason}")]
    public static partial void FlushFailed(ILogger logger, string reason);
}
