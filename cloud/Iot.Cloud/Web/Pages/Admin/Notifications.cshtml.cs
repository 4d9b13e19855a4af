using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Web.Pages.Admin;

/// <summary>
/// The notification channels of the street office (all) or of a company's supervisor (the company's own): address host,
/// whether a secret is set (never the secret), templates, rota; a "send a test message" button; the recent messages
/// on those channels with the platforms' answers.
/// </summary>
[Authorize(Policy = Policies.Maintenance)]
public sealed class NotificationsModel(CloudDb db, AccessScope scope, IOptions<WebhookOptions> options, ChangeNotifier notifier, WebhookDispatcher dispatcher, Lang lang) : PageModel
{
    public IReadOnlyList<ChannelView> Channels { get; private set; } = [];

    public IReadOnlyList<DeliveryView> Recent { get; private set; } = [];

    public string? Done { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostTestAsync(string name, CancellationToken ct)
    {
        var channel = options.Value.AllChannels().FirstOrDefault(c => c.Name == name).Channel;
        if (channel is null || !DeliveriesApi.MayManage(scope, channel) || notifier.QueueTest(db, name) is null)
        {
            return NotFound();
        }

        await db.SaveChangesAsync(ct);
        dispatcher.Wake();
        Done = lang.F("Test message queued on {0}; its answer shows in the log below.", name);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var mine = options.Value.AllChannels().Where(c => DeliveriesApi.MayManage(scope, c.Channel)).ToList();
        Channels = mine.Select(c => ChannelView.Of(c.Name, c.Channel, options.Value.Rota.GetValueOrDefault(c.Channel.Party))).ToList();
        var names = mine.Select(c => c.Name).ToList();
        Recent = (await db.Notifications.AsNoTracking().Where(n => names.Contains(n.Channel)).OrderByDescending(n => n.Id).Take(50).ToListAsync(ct))
            .Select(DeliveryView.Of).ToList();
    }
}
