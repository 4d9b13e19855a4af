using System.Net.Http.Json;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Ratings;
using Iot.Cloud.Rules;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// The community's dashboard and weekly report as a residents' committee reads them (issue 22), on a 390 px phone and
/// a 1400 px screen, in Chinese and English: every value sits under its own header (the header's text and the
/// values' text line up on the same edge), the page never scrolls sideways and a table wider than a phone says it
/// scrolls, and the Chinese pages have no English. The screenshots under docs/screens/community-*.png are made here.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class CommunityPagesTests(BrowserFixture fixture)
{
    private static readonly (string Name, string Url)[] Pages = [("dashboard", "/dashboard"), ("weekly", "/dashboard/weekly")];

    [Fact]
    public Task The_dashboard_and_the_weekly_report_line_up_fit_a_phone_and_speak_one_language() => fixture.RunAsync(async () =>
    {
        // A week with a repair done and rated, and a resident's report nobody has answered yet ("—" where nothing is measured).
        await RatedRepairAsync();
        using var resident = new HttpClient { BaseAddress = fixture.BaseUrl };
        (await resident.PostAsJsonAsync("/api/reports", new { courtyard = "yikang-26", category = "gate" })).EnsureSuccessStatusCode();
        using var admin = await fixture.ApiAsync("street-chen");
        var known = await PageScan.KnownAsync(admin);


        var problems = new List<string>();
        foreach (var english in new[] { false, true })
        {
            foreach (var width in new[] { 390, 1400 })
            {
                var page = await fixture.NewPageAsync(width);
                await BrowserFixture.SignInAsync(page, "yikang-zhang");
                if (english)
                {
                    await page.GotoAsync("/lang/en?back=/dashboard");
                }

                foreach (var (name, url) in Pages)
                {
                    await page.GotoAsync(url);
                    await page.Locator("footer.bottom").WaitForAsync();
                    await Assertions.Expect(page.Locator("#service-record tbody tr").First).ToBeVisibleAsync();
                    var where = $"{name} at {width} px in {(english ? "English" : "Chinese")}";
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.DocScreens, $"community-{name}-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });

                    var aligned = await page.EvaluateAsync<string[]>(Alignment);
                    problems.AddRange(aligned.Select(p => $"{where}: {p}"));
                    if (width == 1400 && !english && name == "dashboard")
                    {
                        // The check sees the fault of issue 22: headers aligned left over numbers aligned right.
                        await page.EvaluateAsync("() => document.querySelectorAll('th.num').forEach(th => th.style.textAlign = 'left')");
                        Assert.NotEmpty(await page.EvaluateAsync<string[]>(Alignment));
                        await page.ReloadAsync();
                    }

                    problems.AddRange((await page.EvaluateAsync<string[]>(TablesScroll)).Select(p => $"{where}: {p}"));
                    problems.AddRange(await PageScan.ScanAsync(page, where, english, known));
                }

                // The weekly report is the community's own.
                await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(english ? "益康路社区: weekly safety report" : "益康路社区院坝安全周报");

                // The audit log (issue 13) reads on a phone as on a desk, in one language: here the report this test made
                // (other tests' entries hold what people typed, hostile input included, which is shown as typed).
                await page.GotoAsync("/dashboard/audit?courtyard=yikang-26&person=resident");
                await Assertions.Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.DocScreens, $"community-audit-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });
                var audit = $"audit log at {width} px in {(english ? "English" : "Chinese")}";
                problems.AddRange((await page.EvaluateAsync<string[]>(TablesScroll)).Select(p => $"{audit}: {p}"));
                problems.AddRange(await PageScan.ScanAsync(page, audit, english, known));

                // The committee's patrol plans and its volunteers (issue 13).
                foreach (var (name, url, ready) in new[] { ("patrols", "/dashboard/patrols", "form.plan-form"), ("volunteers", "/dashboard/volunteers", "#helpers tbody tr") })
                {
                    await page.GotoAsync(url);
                    await page.Locator(ready).First.WaitForAsync();
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.DocScreens, $"community-{name}-{width}-{(english ? "en" : "zh")}.png"), FullPage = true });
                    var where = $"{name} at {width} px in {(english ? "English" : "Chinese")}";
                    problems.AddRange((await page.EvaluateAsync<string[]>(TablesScroll)).Select(p => $"{where}: {p}"));
                    problems.AddRange(await PageScan.ScanAsync(page, where, english, known));
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });

    // For every table of figures: each cell's text lines up with its column's header text, on the right edge or the
    // left, and both are aligned the same way. Columns are found through the header rows' spans (the hazard kinds sit
    // under one spanning header); a spanning header is not any one column's.
    private const string Alignment = """
        () => {
          const problems = [];
          let compared = 0;
          const box = el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            return rects.length ? { left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)) } : null;
          };
          document.querySelectorAll("table.figures").forEach(table => {
            const name = table.id || table.closest("section")?.querySelector("h2, h3")?.textContent.trim() || "table";
            const grid = [];
            [...table.tHead.rows].forEach((row, r) => {
              grid[r] = grid[r] || [];
              let c = 0;
              for (const th of row.cells) {
                while (grid[r][c]) c++;
                for (let dr = 0; dr < th.rowSpan; dr++) {
                  for (let dc = 0; dc < th.colSpan; dc++) {
                    (grid[r + dr] = grid[r + dr] || [])[c + dc] = th;
                  }
                }
                c += th.colSpan;
              }
            });
            const header = col => {
              for (let r = grid.length - 1; r >= 0; r--) {
                if (grid[r][col] && grid[r][col].colSpan === 1) return grid[r][col];
              }
              return null;
            };
            for (const body of table.tBodies) {
              for (const row of body.rows) {
                let c = 0;
                for (const cell of row.cells) {
                  const col = c;
                  c += cell.colSpan;
                  if (cell.tagName !== "TD") continue;
                  const th = header(col);
                  const value = cell.textContent.trim();
                  if (!th) { problems.push(`${name}: "${value}" has no header of its own`); continue; }
                  const a = box(th), b = box(cell);
                  if (!a || !b) continue;
                  compared++;
                  const label = `${name}: "${value}" under "${th.textContent.trim()}"`;
                  if (getComputedStyle(th).textAlign !== getComputedStyle(cell).textAlign) {
                    problems.push(`${label}: header ${getComputedStyle(th).textAlign}, value ${getComputedStyle(cell).textAlign}`);
                  }
                  if (Math.abs(a.right - b.right) > 2 && Math.abs(a.left - b.left) > 2) {
                    problems.push(`${label}: header text ${Math.round(a.left)}–${Math.round(a.right)} px, value ${Math.round(b.left)}–${Math.round(b.right)} px`);
                  }
                }
              }
            }
          });
          if (!compared) problems.push("no figure was compared with its header");
          return problems;
        }
        """;

    // The page never scrolls sideways; a table wider than its box scrolls inside it and says so with a visible hint.
    private const string TablesScroll = """
        () => {
          const problems = [];
          if (document.scrollingElement.scrollWidth > innerWidth) {
            problems.push(`the page is ${document.scrollingElement.scrollWidth} px wide in a ${innerWidth} px window`);
          }
          document.querySelectorAll("table.figures").forEach(table => {
            const scroller = table.closest(".table-scroll");
            const name = table.id || table.closest("section")?.querySelector("h2, h3")?.textContent.trim() || "table";
            if (!scroller || getComputedStyle(scroller).overflowX !== "auto") {
              problems.push(`${name} is not in a box that scrolls sideways`);
              return;
            }
            if (scroller.scrollWidth > scroller.clientWidth + 1) {
              const hint = scroller.previousElementSibling;
              if (!hint || !hint.classList.contains("scroll-hint") || !hint.getClientRects().length) {
                problems.push(`${name} is cut off (${scroller.scrollWidth} px in ${scroller.clientWidth} px) without a visible hint`);
              }
            }
          });
          return problems;
        }
        """;

    // A repair of 昆明馨宇物业 in the last week: acknowledged in 12 minutes, fixed in 3 hours, rated 4 and 5.
    private async Task RatedRepairAsync()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var made = DateTimeOffset.UtcNow.AddDays(-2);
        var order = new WorkOrder
        {
            Number = $"WO-pages-{made:MMddHHmmss}", Source = WorkOrderSource.Staff, Status = WorkOrderStatus.Closed, CourtyardId = CourtyardId.Parse("yikang-1"), PartyId = "xinyu-property",
            Fault = "pages", Subject = "yikang-1/pages", Target = "gate", Severity = Severity.Critical, Title = "院门锁坏了", CreatedAt = made, CreatedBy = "xinyu-wang",
            AckDueAt = made.AddMinutes(30), FixDueAt = made.AddHours(4), AcknowledgedAt = made.AddMinutes(12), FixedAt = made.AddHours(3), ClosedAt = made.AddHours(4),
            VerifiedAt = made.AddHours(4), VerifiedBy = "yikang-zhang", VerifiedVia = Verification.Community, RecoveredAt = made.AddHours(3),
        };
        db.WorkOrders.Add(order);
        await db.SaveChangesAsync();
        db.Ratings.AddRange(
            new WorkOrderRating { WorkOrderId = order.Id, PartyId = order.PartyId, By = "yikang-zhang", Score = 4, At = made.AddHours(5) },
            new WorkOrderRating { WorkOrderId = order.Id, PartyId = order.PartyId, By = "resident", Score = 5, At = made.AddHours(6) });
        await db.SaveChangesAsync();
    }
}
