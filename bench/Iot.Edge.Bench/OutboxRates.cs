using System.Diagnostics;
using Iot.Edge.Outbox;
using Iot.Protocol.Identifiers;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Iot.Edge.Bench;

/// <summary>Measures outbox write rate, replay rate from disk, and replay rate over MQTT QoS 1 to a broker.</summary>
internal static class OutboxRates
{
    public static async Task<int> RunAsync(string[] args)
    {
        var folder = args.ElementAtOrDefault(0) ?? Path.Combine(Path.GetTempPath(), "iot-edge-bench");
        var count = int.Parse(args.ElementAtOrDefault(1) ?? "20000", System.Globalization.CultureInfo.InvariantCulture);
        var broker = args.ElementAtOrDefault(2);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var agent = AgentId.Parse("bench-a");
        var boot = BootId.Parse("b0b0b0b0b0b0b0b0");
        var options = new OutboxOptions();
        long bytes;
        var clock = Stopwatch.StartNew();
        using (var outbox = DiskOutbox.Open(folder, options, NullLogger.Instance))
        {
            for (var i = 0; i < count; i++)
            {
                var (priority, channel, write) = Records.Next(agent, boot, i);
                outbox.Append(priority, channel, write);
            }

            outbox.FlushIfDue();
            bytes = outbox.Stats.Bytes;
        }

        var writing = clock.Elapsed;
        Console.WriteLine($"write: {count} records, {bytes / 1024.0 / 1024:0.0} MiB in {writing.TotalSeconds:0.00} s = {count / writing.TotalSeconds:0} records/s, {bytes / 1024.0 / 1024 / writing.TotalSeconds:0.0} MiB/s (fsync every {options.FsyncMilliseconds} ms)");

        clock.Restart();
        using (var outbox = DiskOutbox.Open(folder, options, NullLogger.Instance))
        {
            var recovered = clock.Elapsed;
            Console.WriteLine($"recovery scan: {outbox.Stats.Depth} records in {recovered.TotalSeconds:0.00} s");
            if (broker is null)
            {
                clock.Restart();
                var n = 0;
                while (outbox.TakeBatch(options.Window, includeTelemetry: true) is { } batch)
                {
                    n += batch.Records.Count;
                    outbox.Acknowledge(batch, batch.Records.Count);
                }

                Console.WriteLine($"replay from disk (read + acknowledge, no network): {n} records in {clock.Elapsed.TotalSeconds:0.00} s = {n / clock.Elapsed.TotalSeconds:0} records/s");
                return 0;
            }

            var colon = broker.LastIndexOf(':');
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker[..colon], int.Parse(broker[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("iot-edge-bench").Build());
            clock.Restart();
            var sent = 0;
            while (outbox.TakeBatch(options.Window, includeTelemetry: true) is { } batch)
            {
                var sends = batch.Records.Select(r => client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"estate/v1/bench/bench/bench-a/{(r.Channel == Iot.Protocol.Topics.Channel.Events ? "events" : "telemetry")}")
                    .WithPayload(r.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ToList();
                await Task.WhenAll(sends);
                outbox.Acknowledge(batch, batch.Records.Count);
                sent += batch.Records.Count;
            }

            Console.WriteLine($"replay over MQTT QoS 1 (window {options.Window}, unpaced): {sent} records in {clock.Elapsed.TotalSeconds:0.00} s = {sent / clock.Elapsed.TotalSeconds:0} records/s");
            await client.DisconnectAsync();
        }

        return 0;
    }
}
