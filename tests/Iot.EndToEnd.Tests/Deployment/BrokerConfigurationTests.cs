using Iot.Testing;

namespace Iot.EndToEnd.Tests.Deployment;

/// <summary>The broker's two configurations, for Docker and for a Debian host, say the same things.</summary>
public sealed class BrokerConfigurationTests
{
    private static readonly string[] HostOnly = ["persistence", "persistence_location", "autosave_interval", "log_dest", "log_type", "log_timestamp_format"];

    private static List<string> Settings(string file, string filesFolder) =>
        [.. File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !HostOnly.Contains(l.Split(' ')[0]))
            .Select(l => l.Replace(filesFolder, "<provisioned>/", StringComparison.Ordinal))];

    [Fact]
    public void The_docker_and_the_debian_host_broker_configurations_hold_the_same_settings()
    {
        var docker = Settings(RepoPaths.Of("docker", "mosquitto", "mosquitto.conf"), "/mosquitto/config/iot/");
        var host = Settings(RepoPaths.Of("firmware-config", "broker", "iot.conf"), "/etc/mosquitto/iot/");

        Assert.Equal(docker, host);
        Assert.Contains("allow_anonymous false", docker);
        Assert.Contains("set_tcp_nodelay true", docker);
        // use_username_as_clientid is per listener: it must follow each listener, or Mosquitto opens a default listener.
        var listeners = docker.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("listener ", StringComparison.Ordinal)).Select(p => p.i).ToList();
        Assert.Equal(2, listeners.Count);
        Assert.All(listeners, i => Assert.Equal("use_username_as_clientid true", docker[i + 1]));
        Assert.True(listeners[0] > docker.IndexOf("acl_file <provisioned>/acl"), "global settings come before the first listener");
    }
}
