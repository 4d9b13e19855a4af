using Iot.Edge.Agent;
using Iot.Edge.Outbox;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Agent;

public sealed class StartupMemoryTests
{
    // The release unmaps this test process's own clean code pages and compacts its heap: what was written before is still
    // there, and code runs (and maps its pages again) afterwards.
    [Fact]
    public void Giving_back_startup_memory_keeps_the_process_and_its_data()
    {
        var folder = Directory.CreateTempSubdirectory("iot-startup-memory-").FullName;
        try
        {
            var options = new OutboxOptions();
            using (var before = DiskOutbox.Open(folder, options, NullLogger.Instance))
            {
                before.Append(OutboxPriority.Event, Channel.Events, _ => [1, 2, 3]);
            }

            var kept = Enumerable.Range(0, 10_000).Select(i => $"reading-{i}").ToList();
            var released = StartupMemory.Release();

            if (OperatingSystem.IsLinux())
            {
                Assert.True(released > 0, "the binary's read-only code mappings are handed back");
            }

            Assert.Equal("reading-9999", kept[^1]);
            using var after = DiskOutbox.Open(folder, options, NullLogger.Instance);
            Assert.Equal(1, after.Stats.Depth);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
