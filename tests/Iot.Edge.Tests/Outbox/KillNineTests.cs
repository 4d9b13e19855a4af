using System.Globalization;
using Iot.Edge.Outbox;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Edge.Tests.Outbox;

public sealed class KillNineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-kill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_hundred_kill_9_rounds_during_heavy_writes_lose_nothing_written_and_replay_it_once_in_order()
    {
        var random = new Random(20200501);
        var written = new HashSet<(string Boot, long Seq)>();
        var acknowledged = new HashSet<(string Boot, long Seq)>();
        var lastSeq = new Dictionary<string, long>();
        var boots = new List<string>();
        var shortfalls = new List<string>();
        for (var round = 0; round < 100; round++)
        {
            var boot = (0xb000 + round).ToString("x16", CultureInfo.InvariantCulture);
            boots.Add(boot);
            using var child = ChildProcess.Start("Iot.Edge.Bench.dll", ["stress", Path.Combine(_folder, "outbox"), "test-1-a", boot]);
            if (round % 10 == 3)
            {
                await Task.Delay(random.Next(20, 90)); // killed while starting or recovering
            }
            else
            {
                // A stall (not a deadline): starting dotnet on a busy machine is slow; a child that stops printing is not.
                await child.WaitForLinesAsync(l => l.StartsWith("w ", StringComparison.Ordinal), random.Next(1, 400), stall: TimeSpan.FromSeconds(60));
            }

            await child.KillAsync();
            foreach (var line in child.Lines)
            {
                var parts = line.Split(' ');
                if (parts[0] == "ready")
                {
                    var outstanding = written.Count - written.Intersect(acknowledged).Count();
                    shortfalls.Add($"round {round}: reopened with {parts[1]} records, {outstanding} outstanding");
                }
                else if (parts[0] == "w")
                {
                    var seq = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    written.Add((boot, seq));
                    lastSeq[boot] = seq;
                }
                else if (parts[0] == "a")
                {
                    acknowledged.Add((parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture)));
                }
            }
        }

        Assert.True(written.Count > 10_000, $"only {written.Count} records were written: not heavy enough");

        // Recovery: a real agent opens the same outbox and its uplink delivers everything to a real broker.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions { ExtraConfig = "set_tcp_nodelay true" });
        await using var watcher = await BrokerTap.StartAsync(broker);
        await using var brokerFigures = await LinkedAgent.WatchAsync(broker, "$SYS/broker/#");
        var harness = new AgentHarness(TestCourtyard.Only("lamp-01"), folder: _folder);
        await using var linked = new LinkedAgent(harness, broker, outbox: new OutboxOptions { ReplayRecordsPerSecond = 100_000, Window = 64 });
        Assert.Equal(0, harness.Outbox.Stats.Corrupted);                              // counted when the outbox opened
        await ServiceProcess.WaitWhileProgressingAsync(() => Task.FromResult(harness.Outbox.Stats.Depth), depth => depth == 0, TimeSpan.FromSeconds(30), "outbox drained",
            () => $"{harness.Outbox.Stats}, connected {linked.Uplink.IsConnected}");
        var expected = written.Except(acknowledged).ToHashSet();
        var seen = new HashSet<(string, long)>();
        var parsed = 0;

        // Woken by each arrival; only what is new since the last look is parsed. Gives up only when nothing more arrives.
        var stall = Patience.Seconds(30);
        while (!expected.IsSubsetOf(seen) && await watcher.WaitForMoreThanAsync(parsed, stall))
        {
            var count = watcher.Count;
            seen.UnionWith(Delivered(watcher.Since(parsed)).Select(d => d.Key));
            parsed = count;
        }

        Assert.True(expected.IsSubsetOf(seen), $"{expected.Except(seen).Count()} of {expected.Count} missing, nothing more for {stall.TotalSeconds} s, outbox {harness.Outbox.Stats}, received {watcher.Count}, seen {seen.Count}, broker: {string.Join(", ", brokerFigures.Received.GroupBy(m => m.Topic).Select(g => $"{g.Key}={g.Last().Text}").Where(t => t.Contains("messages", StringComparison.Ordinal) && !t.Contains("/load/", StringComparison.Ordinal)))}, rounds: {string.Join("; ", shortfalls)}");

        var delivered = Delivered(watcher.Since(0));
        var keys = delivered.Select(d => d.Key).ToHashSet();
        Assert.Empty(expected.Except(keys));                                          // nothing promised is lost
        Assert.All(keys, k => Assert.True(lastSeq.TryGetValue(k.Boot, out var last) ? k.Seq <= last + 1 : k.Seq == 1,
            $"{k} was never written"));                                               // nothing invented (one unprinted append per kill at most)
        foreach (var priority in delivered.GroupBy(d => d.Priority))
        {
            var order = priority.Select(d => (boots.IndexOf(d.Key.Boot), d.Key.Seq)).Distinct().ToList();
            Assert.Equal(order.Order(), order);                                       // oldest first within a priority
        }
    }

    private static List<((string Boot, long Seq) Key, OutboxPriority Priority)> Delivered(IEnumerable<Iot.Testing.ReceivedMessage> messages) =>
        messages.Where(m => !LinkedAgent.Is(m, Channel.Status)).Select(m =>
        {
            var read = MessageReader.ReadUplink(AgentTopic.Parse(m.Topic), m.Payload, DateTimeOffset.UtcNow.AddYears(1));
            Assert.True(read.IsValid, read.Summary);                                  // never garbage
            var priority = read.Message switch
            {
                TelemetryBatch => OutboxPriority.Telemetry,
                DeviceEvent { Kind: EventKind.ChargerCutOff } => OutboxPriority.Safety,
                _ => OutboxPriority.Event,
            };
            return ((read.Message!.Boot.Value, read.Message.Seq), priority);
        }).ToList();
}
