using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Notifications;

/// <summary>
/// One cloud instance's notification services (the real setup: options, channels, resilience pipeline, dispatcher) on a
/// real migrated database and a fake clock, without the rest of the host. Two harnesses on one database are two instances.
/// </summary>
public sealed class OutboxHarness : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Func<CloudDb> _open;

    private OutboxHarness(IHost host, Func<CloudDb> open)
    {
        _host = host;
        _open = open;
    }

    public WebhookDispatcher Dispatcher => _host.Services.GetRequiredService<WebhookDispatcher>();

    public ChangeNotifier Notifier => _host.Services.GetRequiredService<ChangeNotifier>();

    public static async Task<OutboxHarness> StartAsync(Func<CloudDb> open, FakeTimeProvider clock, IDictionary<string, string?> settings, bool migrate = true)
    {
        if (migrate)
        {
            await using var db = open();
            await db.Database.MigrateAsync();
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:QuickRetries"] = "0" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddScoped(_ => open());
        builder.Services.AddSingleton<TimeProvider>(clock);
        var registry = new SiteRegistry();
        registry.Publish(SampleSite.Registry, clock.GetUtcNow());
        builder.Services.AddSingleton(registry);
        builder.AddNotifications();
        return new OutboxHarness(builder.Build(), open);
    }

    /// <summary>Queues a message on a channel as the notifier would, and saves it.</summary>
    public async Task<Notification> QueueAsync(string channel, ChannelKind kind, string text, string? recipient = null, string party = "xinyu-property", string kindName = "alert.raised", DateTimeOffset? at = null, Iot.Cloud.Kernel.Severity severity = Iot.Cloud.Kernel.Severity.Critical, string? courtyard = null)
    {
        await using var db = _open();
        var now = at ?? _host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var n = new Notification
        {
            MessageId = Guid.NewGuid(), PartyId = party, Channel = channel, ChannelKind = kind, Recipient = recipient, Kind = kindName,
            Severity = severity, Body = courtyard is null ? $$"""{"kind":"{{kindName}}","text":"{{text}}"}""" : $$"""{"kind":"{{kindName}}","courtyard":"{{courtyard}}"}""", Text = text,
            TemplateParams = """{"courtyard":"益康路1号院","title":"充电桩过热断电","order":"123","what":"新告警"}""", CreatedAt = now, NextAttemptAt = now,
        };
        db.Notifications.Add(n);
        await db.SaveChangesAsync();
        return n;
    }

    public async Task<List<Notification>> LogAsync()
    {
        await using var db = _open();
        return await db.Notifications.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.IdleAsync();
        _host.Dispose();
    }
}
