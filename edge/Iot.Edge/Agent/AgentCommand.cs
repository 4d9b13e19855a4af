using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent;

/// <summary>
/// <c>iot-edge run &lt;site&gt; --agent &lt;id&gt; [--simulate]</c> (one Pi) and
/// <c>iot-edge fleet &lt;site&gt; --simulate [--agents N]</c> (every agent of a site, one process).
/// </summary>
public static class AgentCommand
{
    /// <summary>Builds and runs the host; returns the exit code (0 stopped cleanly, 1 failed, 2 bad arguments or settings).</summary>
    public static async Task<int> RunAsync(string verb, string[] args)
    {
        var settings = VerbArguments.Parse(args, out var problem);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync($"iot-edge {verb}: {problem}").ConfigureAwait(false);
            return 2;
        }

        if (verb == "run" && !settings.ContainsKey("Edge:Agent"))
        {
            await Console.Error.WriteLineAsync("iot-edge run: give the agent to run with --agent <agent id>").ConfigureAwait(false);
            return 2;
        }

        if (verb == "fleet")
        {
            if (settings.ContainsKey("Edge:Agent") || !settings.ContainsKey("Edge:Simulate"))
            {
                await Console.Error.WriteLineAsync("iot-edge fleet: the fleet runs every agent over simulated hardware; add --simulate (and no --agent)").ConfigureAwait(false);
                return 2;
            }

            // A fleet is a demo or a load test on one machine: trust its clock, and keep status chatter low.
            settings.TryAdd("Edge:Clock", nameof(ClockMode.WallClock));
        }
        else if (settings.ContainsKey("Edge:Simulate"))
        {
            settings.TryAdd("Edge:Clock", nameof(ClockMode.WallClock));
        }

        // Settings are read once (no options monitor reads them again), so appsettings.json needs no file watcher and its thread.
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Configuration = configuration });
        builder.Configuration.AddInMemoryCollection(settings);
        // The console (the journal under systemd) only: the debugger and EventSource loggers have no listener on a Pi.
        builder.Logging.ClearProviders().AddConsole();
        builder.Services.AddSystemd();
        builder.Services.AddEdgeAgent();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        try
        {
            using var host = builder.Build();
            await host.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode; // 1 when the agent service failed (unknown agent, broken site)
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync($"iot-edge {verb}: invalid settings: {string.Join("; ", failures)}").ConfigureAwait(false);
            return 2;
        }
    }

    // Start-up validation reports every failing options class together, wrapped in an AggregateException.
    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException v => v.Failures.ToList(),
        AggregateException a => a.InnerExceptions.SelectMany(Failures).ToList(),
        _ => [],
    };
}
