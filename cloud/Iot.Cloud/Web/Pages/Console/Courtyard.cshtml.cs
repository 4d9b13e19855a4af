using Iot.Cloud.Auth;
using Iot.Cloud.Web.Courtyards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Cloud.Web.Pages.Console;

/// <summary>A courtyard: its plan with every device's state, the devices' latest readings, agent presence and charts.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class CourtyardModel(CourtyardState state, AccessScope scope) : PageModel
{
    public CourtyardPicture Picture { get; private set; } = null!;

    public string Range { get; private set; } = "24h";

    public async Task<IActionResult> OnGetAsync(string id, string? range, CancellationToken ct)
    {
        if (!scope.Courtyard(id))
        {
            return NotFound();
        }

        Range = range == "7d" ? "7d" : "24h";
        var picture = await state.LoadAsync(id, Range == "7d" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1), ct);
        if (picture is null)
        {
            return NotFound();
        }

        Picture = picture;
        return Page();
    }
}
