using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Cloud.Assessment;
using Iot.Cloud.Audit;
using Iot.Cloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Assessment;

/// <summary>The assessment through the API: who sees which party's sheets, who may score, answer, close and set thresholds, and refusals that name the field.</summary>
[Collection(SharedAssessmentCloud.Name)]
public sealed class AssessmentApiTests(AssessmentCloud fixture)
{
    [Fact]
    public async Task A_company_sees_its_own_sheets_and_another_partys_are_not_there()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang");
        (await committee.PostAsJsonAsync("/api/assessment/parties/xinyu-property/months/2026-09/score", new { committeeScore = 90 })).EnsureSuccessStatusCode();
        (await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-09/score", new { committeeScore = 90 })).EnsureSuccessStatusCode();

        using var company = await fixture.SignedInAsync("xinyu-wang");
        var own = await company.GetFromJsonAsync<PartyAssessment>("/api/assessment/parties/xinyu-property", Json.Options);
        Assert.Contains(own!.Sheets, s => s.Month == "2026-09" && s.CommitteeScore == 90);
        Assert.Equal(HttpStatusCode.NotFound, (await company.GetAsync(new Uri("/api/assessment/parties/cable-works", UriKind.Relative))).StatusCode);
        var listed = await company.GetFromJsonAsync<List<SheetView>>("/api/assessment/sheets?month=2026-09", Json.Options);
        Assert.Equal(["xinyu-property"], listed!.Select(s => s.Party));

        // The committee sees the parties of its community's courtyards, not another community's company.
        Assert.Equal(["cable-works", "xinyu-property"], (await committee.GetFromJsonAsync<List<SheetView>>("/api/assessment/sheets?month=2026-09", Json.Options))!.Select(s => s.Party));
        Assert.Equal(HttpStatusCode.NotFound, (await committee.GetAsync(new Uri("/api/assessment/parties/anju-property", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await committee.PostAsJsonAsync("/api/assessment/parties/anju-property/months/2026-09/score", new { committeeScore = 10 })).StatusCode);

        // The company does not score itself.
        Assert.Equal(HttpStatusCode.Forbidden, (await company.PostAsJsonAsync("/api/assessment/parties/xinyu-property/months/2026-09/score", new { committeeScore = 100 })).StatusCode);
    }

    [Fact]
    public async Task Only_the_street_office_sets_the_thresholds_and_the_change_is_audited()
    {
        var body = new { excellent = 92.5, satisfactory = 75, needsRectification = 60, noticeDays = 30 };
        foreach (var user in new[] { "yikang-zhang", "xinyu-wang", "cable-zhao" })
        {
            using var refused = await fixture.SignedInAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await refused.PutAsJsonAsync("/api/assessment/thresholds", body)).StatusCode);
        }

        var street = fixture.Cloud.Http;
        using var backwards = await street.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 70, satisfactory = 75, needsRectification = 60, noticeDays = 30 });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("Invalid thresholds", (await backwards.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        try
        {
            (await street.PutAsJsonAsync("/api/assessment/thresholds", body)).EnsureSuccessStatusCode();
            Assert.Equal(92.5, (await fixture.Cloud.GetAsync<ThresholdsView>("/api/assessment/thresholds")).Excellent);
            await using var scope = fixture.Cloud.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Iot.Cloud.Data.CloudDb>();
            var entry = db.AuditLog.Where(a => a.Entity == "thresholds").OrderBy(a => a.Id).Last();
            Assert.Equal("street-chen", entry.Actor);
            Assert.Contains("excellent 92.5", entry.Detail, StringComparison.Ordinal);
        }
        finally
        {
            (await street.PutAsJsonAsync("/api/assessment/thresholds", new { excellent = 90, satisfactory = 75, needsRectification = 60, noticeDays = 30 })).EnsureSuccessStatusCode();
        }
    }

    [Theory]
    [InlineData("/api/assessment/parties/xinyu-property/months/2026-13/score", """{"committeeScore": 50}""", "Invalid month")]
    [InlineData("/api/assessment/parties/xinyu-property/months/2026-08/score", """{"committeeScore": 101}""", "Invalid committeeScore")]
    [InlineData("/api/assessment/exit-reviews/1/decide", """{"note": "x"}""", "Invalid decision")]
    public async Task Bad_input_is_refused_naming_the_field(string url, string json, string title)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await fixture.Cloud.Http.PostAsync(new Uri(url, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unsatisfactory_month_opens_a_notice_the_party_answers_and_the_committee_closes()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang");
        (await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-11/score", new { committeeScore = 0, remarks = "门禁维修无人响应" })).EnsureSuccessStatusCode();
        using var signing = await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-11/sign", new { });
        signing.EnsureSuccessStatusCode();
        var signed = (await signing.Content.ReadFromJsonAsync<SignOffView>(Json.Options))!;
        Assert.Equal((45.0, 45.0, Grade.Unsatisfactory), (signed.Sheet.RecordScore, signed.Sheet.Score, signed.Sheet.Grade));
        var notice = signed.Notice!;
        Assert.Equal([NoticeItemKind.Overdue, NoticeItemKind.Remarks], notice.Items.Select(i => i.Kind));
        Assert.Equal(HttpStatusCode.Conflict, (await committee.PostAsJsonAsync("/api/assessment/parties/cable-works/months/2026-11/sign", new { })).StatusCode);

        // Another company does not see it; the unit answers an item; only the committee closes it.
        using var xinyu = await fixture.SignedInAsync("xinyu-wang");
        Assert.Equal(HttpStatusCode.NotFound, (await xinyu.PostAsJsonAsync($"/api/assessment/notices/{notice.Id}/answer", new { item = notice.Items[0].Id, note = "x" })).StatusCode);
        Assert.DoesNotContain((await xinyu.GetFromJsonAsync<List<NoticeView>>("/api/assessment/notices", Json.Options))!, n => n.Id == notice.Id);
        using var unit = await fixture.SignedInAsync("cable-zhao");
        Assert.Contains((await unit.GetFromJsonAsync<List<NoticeView>>("/api/assessment/notices?open=true", Json.Options))!, n => n.Id == notice.Id);
        using var answered = await unit.PostAsJsonAsync($"/api/assessment/notices/{notice.Id}/answer", new { item = notice.Items[0].Id, note = "已安排专人值守，30分钟内响应" });
        answered.EnsureSuccessStatusCode();
        Assert.Equal("cable-zhao", (await answered.Content.ReadFromJsonAsync<NoticeView>(Json.Options))!.Items[0].DoneBy);
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.PostAsJsonAsync($"/api/assessment/notices/{notice.Id}/close", new { note = "done" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await committee.PostAsJsonAsync($"/api/assessment/notices/{notice.Id}/answer", new { item = notice.Items[0].Id, note = "x" })).StatusCode);
        (await committee.PostAsJsonAsync($"/api/assessment/notices/{notice.Id}/close", new { note = "复查合格" })).EnsureSuccessStatusCode();
        Assert.DoesNotContain((await unit.GetFromJsonAsync<List<NoticeView>>("/api/assessment/notices?open=true", Json.Options))!, n => n.Id == notice.Id);
    }

    [Fact]
    public async Task The_hosted_sweep_gives_every_assessed_party_its_sheet_for_the_month_that_ended()
    {
        await fixture.Cloud.Get<AssessmentSweep>().SweepOnceAsync(CancellationToken.None);

        // At 10:00 on 1 December in Kunming: November, for the property companies and owning units only; no patrol was planned.
        var sheets = await fixture.Cloud.GetAsync<List<SheetView>>("/api/assessment/sheets?month=2026-11");
        var assessed = (await fixture.Cloud.GetAsync<List<JsonElement>>("/api/parties"))
            .Where(p => p.GetProperty("kind").GetString() is "propertyCompany" or "owningUnit").Select(p => p.GetProperty("id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(assessed, sheets.Select(s => s.Party).Order(StringComparer.Ordinal));
        Assert.All(sheets, s => Assert.Equal(0, s.RoundsDue));
    }
}
