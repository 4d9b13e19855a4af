using Iot.Cloud;
using Iot.Cloud.Alerts;
using Iot.Cloud.Assessment;
using Iot.Cloud.Audit;
using Iot.Cloud.Auth;
using Iot.Cloud.Broker;
using Iot.Cloud.Commands;
using Iot.Cloud.Config;
using Iot.Cloud.Data;
using Iot.Cloud.Demo;
using Iot.Cloud.Ingest;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Settings;
using Iot.Cloud.Operations;
using Iot.Cloud.Patrols;
using Iot.Cloud.Ratings;
using Iot.Cloud.Readings;
using Iot.Cloud.Reports;
using Iot.Cloud.Rules;
using Iot.Cloud.Signing;
using Iot.Cloud.Sites;
using Iot.Cloud.Supervision;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.Web;
using Iot.Cloud.Web.Proxy;
using Iot.Cloud.WorkOrders;

// `iot-cloud accounts ...` manages accounts from the command line (the first street-office account, say).
if (AccountsCommand.Matches(args))
{
    return await AccountsCommand.RunAsync(args, Console.In, Console.Out);
}

// appsettings.json comes from the build output; relative paths in settings (data/, the site folder) mean the working folder.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Start order matters: schema, time series and site registry before the broker and ingest.
builder.AddOperations();
builder.AddDatabase();
builder.AddAudit();
builder.AddTimeSeries();
builder.AddReadings();
builder.AddSites();
builder.AddNotifications();
builder.AddAlerts();
builder.AddWorkOrders();
builder.AddPatrols();
builder.AddAssessment();
builder.AddRules();
builder.AddSigning();
builder.AddBroker();
builder.AddIngest();
builder.AddDesiredConfig();
builder.AddCommands();
builder.AddAuth();
builder.AddDemo();
builder.AddReportLimits();
builder.AddWeb();
builder.AddProxy();

var app = builder.Build();

app.UseProxy();
app.MapOperations();
app.UseWeb();
app.UseAuth();
app.MapSessionApi();
app.MapSitesApi();
app.MapReadingsApi();
app.MapIngestApi();
app.MapAlertsApi();
app.MapWorkOrdersApi();
app.MapPatrolsApi();
app.MapReportsApi();
app.MapRulesApi();
app.MapSupervisionApi();
app.MapLiveApi();
app.MapDeliveriesApi();
app.MapNotificationSettingsApi();
app.MapRatingsApi();
app.MapAssessmentApi();
app.MapCommandsApi();
app.MapWeb();

try
{
    app.Run();
}
catch (Exception e) when (StartFailure.Explain(e) is { } problems)
{
    // Exit code 2 (not a crash): systemd and compose show the reason, and restarting will not help until it is fixed.
    Console.Error.WriteLine("iot-cloud did not start. Fix these settings and start it again:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"  - {problem}");
    }

    return 2;
}

return 0;

/// <summary>The cloud service's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
