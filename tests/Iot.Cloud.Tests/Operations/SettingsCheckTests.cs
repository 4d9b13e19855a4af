using Iot.Cloud.Alerts;
using Iot.Cloud.Ingest;
using Iot.Cloud.Notifications;
using Iot.Cloud.Reports;
using Iot.Cloud.Rules;
using Iot.Cloud.WorkOrders;

namespace Iot.Cloud.Tests.Operations;

/// <summary>Every options class is checked the same way: all of a section's problems at once, each naming its key.</summary>
public sealed class SettingsCheckTests
{
    [Fact]
    public void Every_wrong_alert_setting_is_named_with_its_value_in_one_answer()
    {
        var result = new AlertOptionsValidator().Validate(null, new AlertOptions { FlapThreshold = 1, FlapWindow = TimeSpan.FromDays(2), AutoCloseAfter = TimeSpan.FromHours(1) });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains("Alerts:FlapThreshold is 1; it must be between 2 and 1000", result.Failures!);
        Assert.Contains(result.Failures!, f => f.StartsWith("Alerts:FlapWindow is 2.00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_pass_every_check()
    {
        Assert.True(new AlertOptionsValidator().Validate(null, new AlertOptions()).Succeeded);
        Assert.True(new RuleOptionsValidator().Validate(null, new RuleOptions()).Succeeded);
        Assert.True(new IngestOptionsValidator().Validate(null, new IngestOptions()).Succeeded);
        Assert.True(new WorkOrderOptionsValidator().Validate(null, new WorkOrderOptions()).Succeeded);
        Assert.True(new WebhookOptionsValidator().Validate(null, new WebhookOptions()).Succeeded);
        Assert.True(new ReportLimitOptionsValidator().Validate(null, new ReportLimitOptions()).Succeeded);
    }

    [Fact]
    public void A_webhook_address_that_is_not_http_is_named_by_its_party()
    {
        var options = new WebhookOptions { Parties = { ["xinyu-property"] = new Uri("ftp://example.test/hook") }, MaxAttempts = 0 };
        var failures = new WebhookOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.Contains("Webhooks:Parties:xinyu-property 'ftp://example.test/hook' is not an absolute http(s) URL", failures);
        Assert.Contains("Webhooks:MaxAttempts is 0; it must be between 1 and 100", failures);
    }

    [Fact]
    public void Rule_and_ingest_limits_name_their_keys()
    {
        Assert.Contains("Rules:TickInterval is 00:00:00; it must be between 00:00:01 and 00:10:00",
            new RuleOptionsValidator().Validate(null, new RuleOptions { TickInterval = TimeSpan.Zero }).Failures!);
        Assert.Contains("Ingest:QueueCapacity is 1; it must be between 100 and 1000000",
            new IngestOptionsValidator().Validate(null, new IngestOptions { QueueCapacity = 1 }).Failures!);
    }
}
