using Iot.Cloud.TimeSeries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Tests.TimeSeries;

/// <summary>A host wired exactly as the cloud wires the feature (AddTimeSeries), from in-memory settings.</summary>
internal static class StoreHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddTimeSeries();
        return builder.Build();
    }
}
