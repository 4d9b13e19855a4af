using Iot.Edge.Safety;
using Iot.Edge.Storage;

namespace Iot.Edge.Tests.Storage;

public sealed class DurableFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-durable-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_file_is_replaced_whole_with_its_folder_synced_and_no_temporary_copy_left()
    {
        var file = Path.Combine(_folder, "cursor");
        DurableFile.Replace(file, "3 1024");
        DurableFile.Replace(file, "4 0");
        Assert.Equal("4 0", File.ReadAllText(file));
        Assert.Equal(["cursor"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Syncing_a_folder_that_is_not_there_says_so()
    {
        var missing = Path.Combine(_folder, "gone");
        Assert.Contains("cannot open folder", Assert.Throws<IOException>(() => DurableFile.SyncFolder(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latches_written_durably_are_read_back_by_the_next_agent()
    {
        new LatchStore(_folder).Set("charger-01", 2, new Latch("sensorFault", 0));
        Assert.Equal(new Latch("sensorFault", 0), new LatchStore(_folder).Get("charger-01", 2));
        Assert.False(File.Exists(Path.Combine(_folder, "latches.txt.tmp")));
    }
}
