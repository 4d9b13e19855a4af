using System.Diagnostics;
using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Edge.Bench;

/// <summary>
/// Measures outbox write rate, recovery scan, and replay from disk or over MQTT QoS 1 to a broker. Replay runs twice on
/// copies of the same outbox in one run: records released at the broker's PUBACK (as before protocol 1.2), and kept until
/// the cloud's stored watermark passes them (the default), confirmed every 1,000 records as a cloud's once-a-second
/// watermark would at this rate.
/// </summary>
internal static class OutboxRates
{
    private const int ConfirmEvery = 1000;
    private static readonly AgentId Agent = AgentId.Parse("bench-a");
    private static readonly BootId Boot = BootId.Parse("b0b0b0b0b0b0b0b0");

    public static async Task<int> RunAsync(string[] args)
    {
        var folder = args.ElementAtOrDefault(0) ?? Path.Combine(Path.GetTempPath(), "iot-edge-bench");
        var count = int.Parse(args.ElementAtOrDefault(1) ?? "20000", System.Globalization.CultureInfo.InvariantCulture);
        var broker = args.ElementAtOrDefault(2);
        var copy = folder + "-puback";
        foreach (var f in new[] { folder, copy })
        {
            if (Directory.Exists(f))
            {
                Directory.Delete(f, recursive: true);
            }
        }

        var options = new OutboxOptions();
        long bytes;
        var clock = Stopwatch.StartNew();
        using (var outbox = DiskOutbox.Open(folder, options, NullLogger.Instance))
        {
            outbox.StartBoot(Boot);
            for (var i = 0; i < count; i++)
            {
                var (priority, channel, write) = Records.Next(Agent, Boot, i);
                outbox.Append(priority, channel, write);
            }

            outbox.FlushIfDue();
            bytes = outbox.Stats.Bytes;
        }

        var writing = clock.Elapsed;
        Console.WriteLine($"write: {count} records, {bytes / 1024.0 / 1024:0.0} MiB in {writing.TotalSeconds:0.00} s = {count / writing.TotalSeconds:0} records/s, {bytes / 1024.0 / 1024 / writing.TotalSeconds:0.0} MiB/s (fsync every {options.FsyncMilliseconds} ms)");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        IMqttClient? client = null;
        if (broker is not null)
        {
            var colon = broker.LastIndexOf(':');
            client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker[..colon], int.Parse(broker[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("iot-edge-bench").Build());
        }

        var how = client is null ? "from disk (read + acknowledge, no network)" : $"over MQTT QoS 1 (window {options.Window}, unpaced)";
        var legacy = await ReplayAsync(copy, new OutboxOptions { KeepUntilStored = false }, client);
        var kept = await ReplayAsync(folder, options, client);
        Console.WriteLine($"replay {how}, released at the PUBACK: {legacy:0} records/s");
        Console.WriteLine($"replay {how}, kept until the watermark (confirmed every {ConfirmEvery}): {kept:0} records/s, {kept / legacy:P0} of the PUBACK figure");
        if (client is not null)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }

        return 0;
    }

    private static async Task<double> ReplayAsync(string folder, OutboxOptions options, IMqttClient? client)
    {
        var clock = Stopwatch.StartNew();
        using var outbox = DiskOutbox.Open(folder, options, NullLogger.Instance);
        Console.WriteLine($"recovery scan: {outbox.Stats.Depth} records in {clock.Elapsed.TotalSeconds:0.00} s");
        clock.Restart();
        var sent = 0;
        var confirmed = 0;
        while (outbox.TakeBatch(options.Window, includeTelemetry: true) is { } batch)
        {
            if (client is not null)
            {
                var sends = batch.Records.Select(r => client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"estate/v1/bench/bench/bench-a/{(r.Channel == Iot.Protocol.Topics.Channel.Events ? "events" : "telemetry")}")
                    .WithPayload(r.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ToList();
                await Task.WhenAll(sends);
            }

            outbox.Acknowledge(batch, batch.Records.Count);
            sent += batch.Records.Count;
            if (options.KeepUntilStored && sent - confirmed >= ConfirmEvery)
            {
                confirmed = sent;
                outbox.Confirm(new StoredWatermark(ProtocolVersion.Current, Agent, [new BootWatermark(Boot, sent)]));
            }
        }

        outbox.Confirm(new StoredWatermark(ProtocolVersion.Current, Agent, [new BootWatermark(Boot, sent)]));
        if (outbox.Stats.Depth != 0)
        {
            throw new InvalidOperationException($"replay left {outbox.Stats.Depth} records in the outbox");
        }

        return sent / clock.Elapsed.TotalSeconds;
    }
}
