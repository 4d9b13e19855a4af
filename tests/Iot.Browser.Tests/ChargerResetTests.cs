using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Signing;
using Iot.Testing;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Iot.Browser.Tests;

/// <summary>
/// An e-bike charging station overheats and its agent (a real one, in-process) cuts every outlet; the work order for one
/// outlet opens; the property worker fills in the inspection checklist and resets it from the order page. The page names
/// what is missing before anything is sent; the agent refuses while the station is still hot, and the refusal shows on
/// the page in Chinese with the agent's own words; once it has cooled the reset is carried out and the relay closes.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class ChargerResetTests(BrowserFixture fixture)
{
    private const string Agent = "yikang-46-a";

    [Fact]
    public Task A_cut_off_outlet_is_reset_from_its_order_page_only_once_it_has_cooled() => fixture.RunAsync(async () =>
    {
        await using var agent = CourtyardAgent.Start(Agent, fixture.Broker.Port, fixture.Services.GetRequiredService<CloudSigner>().PublicKeyFile);
        var charger = agent.Model.Charger("charger-01");
        await ServiceProcess.WaitUntilAsync(() => Task.FromResult(charger.RelayOn(2)), TimeSpan.FromSeconds(30), "outlet 2 powered once its sensing works");

        // 70 °C: the interlock cuts every outlet; the critical alert makes a work order for each.
        charger.TemperatureC = 70;
        using var api = await fixture.ApiAsync("xinyu-li");
        var order = await CutOffOrderAsync(api, "yikang-46", $"{Agent}/charger-01/o2");
        Assert.False(charger.RelayOn(2));

        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "xinyu-li");
        await page.GotoAsync($"/console/orders/{order}");
        await Assertions.Expect(page.Locator("#reset-form h3")).ToHaveTextAsync("复位车棚电动车充电站的2号插座");
        await Assertions.Expect(page.Locator("#reset-form .person")).ToHaveTextAsync("责任人：李师傅");

        // Not everything confirmed and no reason: the page says what is missing and sends nothing.
        await page.GetByLabel("电池已移走").CheckAsync();
        await page.Locator("#reset-outlet").ClickAsync();
        var error = page.Locator("#reset-form [data-error]");
        await Assertions.Expect(error).ToContainTextAsync("请先逐项确认检查清单，尚未确认：插座已检查、无异味无烟");
        await Assertions.Expect(error).ToContainTextAsync("请填写原因");
        await Assertions.Expect(page.Locator("#reset-form label.missing")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-command-empty]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "commands-01-reset-checklist-missing-zh");

        // The checklist and a reason, while the station is still hot.
        await CheckAndGiveReasonAsync(page, "鼓包电池已移走，插座外观完好");
        await BrowserFixture.ScreenshotAsync(page, "commands-02-reset-checklist-zh");
        await page.Locator("#reset-outlet").ClickAsync();
        await Assertions.Expect(error).ToBeEmptyAsync();
        var command = page.Locator("[data-command-list] li").First;
        await Assertions.Expect(command.Locator(".command-state")).ToHaveTextAsync("被拒绝");
        await Assertions.Expect(command.Locator(".command-outcome")).ToHaveTextAsync("被拒绝：温度仍为 70 °C，降到 45 °C 以下才能复位");
        await Assertions.Expect(command.Locator(".agent-said")).ToContainTextAsync("终端原话：");
        await Assertions.Expect(command.Locator(".agent-words")).ToHaveTextAsync("outlet 2 still reads 70.0 Cel; it cannot be reset until it is below 45.0 Cel");
        await Assertions.Expect(command).ToContainTextAsync("李师傅");
        await Assertions.Expect(command).ToContainTextAsync("鼓包电池已移走，插座外观完好");
        Assert.False(charger.RelayOn(2));
        await BrowserFixture.ScreenshotAsync(page, "commands-03-reset-refused-hot-zh");

        // Cooled down: the same again is carried out, and the outlet has power (only that one). Staff reset once the
        // station reads cool, as the agent does: the cloud has its cooled reading, so the agent has read it too (a
        // reset sent before the agent's next reading would rightly be refused, and a busy machine makes that likely).
        charger.TemperatureC = 30;
        await ServiceProcess.WaitUntilAsync(
            async () => (await api.GetFromJsonAsync<JsonElement>($"/api/courtyards/yikang-46/latest?agent={Agent}"))
                .EnumerateArray().Any(r => r.GetProperty("sensor").GetString() == "charger-01.temperature" && r.GetProperty("value").GetDouble() < 45),
            Patience.Seconds(60), "the station's cooled temperature in the cloud");
        await CheckAndGiveReasonAsync(page, "已降温，复查无异常");
        await page.Locator("#reset-outlet").ClickAsync();
        await Assertions.Expect(page.Locator("[data-command-list] li")).ToHaveCountAsync(2);
        var latest = page.Locator("[data-command-list] li").First;
        await Assertions.Expect(latest.Locator(".command-state")).Not.ToHaveTextAsync("已发送"); // answered
        Assert.True(await latest.Locator(".command-state").TextContentAsync() == "已执行", $"the reset of a cooled outlet was not carried out: {await latest.TextContentAsync()}");
        await Assertions.Expect(page.Locator("[data-command-list] li").Nth(1).Locator(".command-state")).ToHaveTextAsync("被拒绝");
        Assert.True(charger.RelayOn(2));
        Assert.False(charger.RelayOn(3));
        await BrowserFixture.ScreenshotAsync(page, "commands-04-reset-carried-out-zh");

        // The same order on a phone: the form above the list, nothing wider than the screen.
        var phone = await fixture.NewPageAsync(phone: true);
        await BrowserFixture.SignInAsync(phone, "xinyu-li");
        await phone.GotoAsync($"/console/orders/{order}");
        await Assertions.Expect(phone.Locator("[data-command-list] li")).ToHaveCountAsync(2);
        await Assertions.Expect(phone.Locator("#reset-outlet")).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the order page must not scroll sideways on a phone");
        await BrowserFixture.ScreenshotAsync(phone, "commands-05-reset-order-phone-zh");

        // The same order read again from the server, in English.
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("#commands-title")).ToHaveTextAsync("Remote commands");
        await Assertions.Expect(page.Locator("[data-command-list] li").First.Locator(".command-state")).ToHaveTextAsync("Carried out");
        await Assertions.Expect(page.Locator("[data-command-list] li").Nth(1).Locator(".command-outcome")).ToHaveTextAsync("Refused: still 70 °C; it can be reset below 45 °C");
        await BrowserFixture.ScreenshotAsync(page, "commands-06-reset-order-en");

        // The courtyard page shows the same commands.
        await page.GotoAsync("/console/courtyards/yikang-46");
        await Assertions.Expect(page.Locator("#commands [data-command-list] li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#commands [data-command-list] li").First).ToContainTextAsync("Carried out");
    });

    /// <summary>
    /// The open work order for <paramref name="subject"/>'s cut-off, once the rules have made it. By its fault: the same
    /// outlet may also have an order for a sensor fault (sensing that went stale on a loaded machine cuts it too).
    /// </summary>
    internal static async Task<long> CutOffOrderAsync(HttpClient api, string courtyard, string subject)
    {
        long order = 0;
        await ServiceProcess.WaitUntilAsync(
            async () =>
            {
                var orders = await api.GetFromJsonAsync<JsonElement>($"/api/work-orders?courtyard={courtyard}&open=true");
                order = orders.EnumerateArray()
                    .Where(o => o.GetProperty("subject").GetString() == subject && o.GetProperty("fault").GetString() == "charger-cut-off")
                    .Select(o => o.GetProperty("id").GetInt64()).FirstOrDefault();
                return order != 0;
            },
            TimeSpan.FromSeconds(60),
            $"the work order for {subject}'s cut-off");
        return order;
    }

    private static async Task CheckAndGiveReasonAsync(IPage page, string reason)
    {
        await page.GetByLabel("电池已移走").CheckAsync();
        await page.GetByLabel("插座已检查").CheckAsync();
        await page.GetByLabel("无异味无烟").CheckAsync();
        await page.Locator("#reset-reason").FillAsync(reason);
    }
}
