using Iot.Testing.Services;
using Npgsql;

namespace Iot.EndToEnd.Tests.Services;

public class PostgresFixtureTests
{
    [Fact]
    public async Task Private_cluster_answers_sql_and_stops_leaving_no_process()
    {
        int pid;
        string folder;
        await using (var postgres = await PostgresServer.StartAsync())
        {
            pid = postgres.Pid;
            folder = postgres.Folder;
            var connectionString = await postgres.CreateDatabaseAsync("fixture");
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE t (name text); INSERT INTO t VALUES ('益康路'); SELECT name FROM t", connection);
            Assert.Equal("益康路", await command.ExecuteScalarAsync());
        }

        Assert.False(ServiceProcess.IsAlive(pid));
        Assert.DoesNotContain(
            Directory.GetDirectories("/proc")
                .Select(d => Path.Combine(d, "cmdline"))
                .Where(File.Exists)
                .Select(f => { try { return File.ReadAllText(f); } catch (IOException) { return string.Empty; } }),
            cmd => cmd.Contains(folder, StringComparison.Ordinal));
    }
}
