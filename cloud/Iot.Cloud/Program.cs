using Iot.Cloud.Alerts;
using Iot.Cloud.Broker;
using Iot.Cloud.Config;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Cloud.Notifications;
using Iot.Cloud.Operations;
using Iot.Cloud.Readings;
using Iot.Cloud.Reports;
using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Cloud.Supervision;
using Iot.Cloud.TimeSeries;
using Iot.Cloud.WorkOrders;

// appsettings.json comes from the build output; relative paths in settings (data/, the site folder) mean the working folder.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Start order matters: schema, time series and site registry before the broker and ingest.
builder.AddOperations();
builder.AddDatabase();
builder.AddTimeSeries();
builder.AddSites();
builder.AddNotifications();
builder.AddAlerts();
builder.AddWorkOrders();
builder.AddRules();
builder.AddBroker();
builder.AddIngest();
builder.AddDesiredConfig();

var app = builder.Build();

app.MapOperations();
app.MapSitesApi();
app.MapReadingsApi();
app.MapIngestApi();
app.MapAlertsApi();
app.MapWorkOrdersApi();
app.MapReportsApi();
app.MapRulesApi();
app.MapSupervisionApi();
app.MapLiveApi();

app.Run();

/// <summary>The cloud service's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
