using System.Security.Cryptography;
using Iot.Edge.Agent;
using Iot.Edge.Outbox;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Agent;

public sealed class StartupMemoryTests
{
    // The release unmaps this test process's own clean code pages, its shared libraries' among them, and compacts its heap:
    // what was written before is still there, and code runs (and maps its pages again) afterwards, OpenSSL's too.
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
                Assert.True(released > 0, "the read-only code mappings are handed back");
            }

            Assert.Equal("reading-9999", kept[^1]);
            Assert.Equal("039058C6F2C0CB492C533B0A4D14EF77CC0F78ABCCCED5287D84A1A2011CFB81", Convert.ToHexString(SHA256.HashData([1, 2, 3])));
            using var after = DiskOutbox.Open(folder, options, NullLogger.Instance);
            Assert.Equal(1, after.Stats.Depth);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
