using System.Text;
using System.Text.Json;
using Iot.Testing.Services;

namespace Iot.EndToEnd.Tests.Services;

public class InfluxFixtureTests
{
    [Fact]
    public async Task Influxd_takes_a_write_answers_a_query_and_stops_leaving_no_process()
    {
        int pid;
        await using (var influx = await InfluxServer.StartAsync())
        {
            pid = influx.Pid;
            using var http = new HttpClient { BaseAddress = influx.Url };
            using var create = await http.PostAsync(new Uri("/query?q=CREATE+DATABASE+fixture", UriKind.Relative), null);
            create.EnsureSuccessStatusCode();

            using var body = new StringContent("reading,sensor=lamp-01.current value=0.42 1764421200000\n", Encoding.UTF8);
            using var write = await http.PostAsync(new Uri("/write?db=fixture&precision=ms", UriKind.Relative), body);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, write.StatusCode);

            var json = await http.GetStringAsync(new Uri("/query?db=fixture&q=SELECT+value+FROM+reading", UriKind.Relative));
            using var doc = JsonDocument.Parse(json);
            var values = doc.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0];
            Assert.Equal(0.42, values[1].GetDouble());
        }

        Assert.False(ServiceProcess.IsAlive(pid));
    }
}
