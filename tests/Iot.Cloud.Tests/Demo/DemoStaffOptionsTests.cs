using Iot.Cloud.Demo;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Iot.Cloud.Tests.Demo;

/// <summary>The demo staff's settings: never in production, and nothing that makes no sense.</summary>
public sealed class DemoStaffOptionsTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "iot-cloud";

        public string ContentRootPath { get; set; } = ".";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Fact]
    public void Demo_staff_is_refused_in_production_and_allowed_in_development()
    {
        Assert.Contains("Demo:Staff", new DemoStaffOptionsValidator(new Environment("Production")).Validate(null, new DemoStaffOptions { Staff = true }).FailureMessage, StringComparison.Ordinal);
        Assert.True(new DemoStaffOptionsValidator(new Environment("Development")).Validate(null, new DemoStaffOptions { Staff = true }).Succeeded);
        Assert.True(new DemoStaffOptionsValidator(new Environment("Production")).Validate(null, new DemoStaffOptions()).Succeeded);
    }

    [Fact]
    public void Delays_the_wrong_way_round_are_refused_naming_the_settings()
    {
        var result = new DemoStaffOptionsValidator(new Environment("Development")).Validate(null, new DemoStaffOptions { AcknowledgeMinSeconds = 60, AcknowledgeMaxSeconds = 20, FixOneIn = 0 });
        Assert.Contains("Demo:AcknowledgeMaxSeconds", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Demo:FixOneIn", result.FailureMessage, StringComparison.Ordinal);
    }
}
