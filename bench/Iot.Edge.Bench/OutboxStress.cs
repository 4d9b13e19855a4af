using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Bench;

/// <summary>
/// Writes to an outbox as fast as it can until it is killed, printing "w {seq}" after each append has returned
/// (the record is with the OS) and "a {seq}" before each acknowledgement, so that a test killing this process
/// at random knows exactly what was promised.
/// </summary>
internal static class OutboxStress
{
    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            return 2;
        }

        var agent = AgentId.Parse(args[1]);
        var boot = BootId.Parse(args[2]);
        var options = new OutboxOptions { SegmentBytes = 64 * 1024, FsyncMilliseconds = 50 };
        using var outbox = DiskOutbox.Open(args[0], options, NullLogger.Instance);
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        stdout.WriteLine($"ready {outbox.Stats.Depth} {outbox.Stats.Corrupted}");
        for (long i = 0; ; i++)
        {
            var (priority, channel, write) = Records.Next(agent, boot, i);
            var seq = outbox.Append(priority, channel, write);
            stdout.WriteLine($"w {seq}");
            if (i % 97 == 96 && outbox.TakeBatch(3, includeTelemetry: true) is { } batch)
            {
                // As if the broker acknowledged a few: they may be deleted from here on.
                foreach (var record in batch.Records)
                {
                    using var json = System.Text.Json.JsonDocument.Parse(record.Payload);
                    stdout.WriteLine($"a {json.RootElement.GetProperty("boot").GetString()} {json.RootElement.GetProperty("seq").GetInt64()}");
                }

                outbox.Acknowledge(batch, batch.Records.Count);
            }
        }
    }
}
