using Iot.Cloud.Auth;
using Iot.Cloud.Commands;
using Iot.Cloud.Data;
using Iot.Cloud.Web.Commands;
using Iot.Cloud.Web.Courtyards;
using Iot.Protocol.Identifiers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>
/// A courtyard: its plan with every device's state, the devices' latest readings, agent presence and charts; its recent
/// commands, live; and, for those who work it, switching a lamp for maintenance and asking a unit for its status.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class CourtyardModel(CourtyardState state, AccessScope scope, CloudDb db, Sites.SiteRegistry registry, Localization.Lang lang, TimeProvider time) : PageModel
{
    public Localization.Places Places { get; } = new(registry, lang);

    public CourtyardPicture Picture { get; private set; } = null!;

    public string Range { get; private set; } = "24h";

    public CommandPanel Commands { get; private set; } = null!;

    /// <summary>May send commands here.</summary>
    public bool MayCommand => scope.MayChangeWork;

    public async Task<IActionResult> OnGetAsync(string id, string? range, CancellationToken ct)
    {
        if (!CourtyardId.TryParse(id, out var courtyard, out _) || !scope.Courtyard(courtyard))
        {
            return NotFound();
        }

        Range = range == "7d" ? "7d" : "24h";
        var picture = await state.LoadAsync(courtyard, Range == "7d" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1), ct);
        if (picture is null)
        {
            return NotFound();
        }

        Picture = picture;
        var recent = await CommandView.LoadAsync(db, db.Commands.Where(c => c.CourtyardId == courtyard).OrderByDescending(c => c.Id).Take(20), time.GetUtcNow(), ct);
        Commands = new CommandPanel(courtyard, null, $"/api/courtyards/{id}/commands", recent, CommandPanel.DeviceNames(picture.Courtyard));
        return Page();
    }
}
