using System.Text.Json.Nodes;
using Iot.Protocol.Sites;
using Iot.Testing;
using Json.Schema;

namespace Iot.Protocol.Tests.Sites;

public class SampleSiteTests
{
    private static readonly Site Site = SiteTexts.Sample().Read() is { IsValid: true } r ? r.Site! : throw new InvalidOperationException(string.Join("\n", SiteTexts.Sample().Read().Problems));

    private static readonly Dictionary<string, JsonSchema> Schemas = new[] { "site.schema.json", "community.schema.json" }
        .ToDictionary(f => f, f => JsonSchema.FromText(File.ReadAllText(RepoPaths.Of("firmware-config", "schema", f))));

    [Fact]
    public void The_sample_site_validates() => Assert.Empty(SiteTexts.Sample().Read().Problems);

    [Fact]
    public void It_holds_the_three_pilot_communities_of_Yongchang_Street()
    {
        Assert.Equal("永昌街道", Site.Manifest.Name);
        Assert.Equal(["huachang-road", "yikang-road", "yongxing-road"], Site.Communities.Select(c => c.Id.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Yikang_Road_has_45_courtyards_17_run_by_owning_units_and_28_by_the_blocks_company()
    {
        var yikang = Site.Communities.Single(c => c.Id.Value == "yikang-road");
        var parties = Site.Manifest.Parties.ToDictionary(p => p.Id);
        Assert.Equal(45, yikang.Courtyards.Count);
        Assert.Equal(17, yikang.Courtyards.Count(c => parties[c.Responsible!.Value].Kind == PartyKind.OwningUnit));
        Assert.Equal(28, yikang.Courtyards.Count(c => parties[c.Responsible!.Value].Kind == PartyKind.PropertyCompany));
    }

    [Fact]
    public void Every_kind_of_responsible_party_and_device_appears()
    {
        var parties = Site.Manifest.Parties.ToDictionary(p => p.Id);
        Assert.Equal(Enum.GetValues<PartyKind>(), Site.Courtyards.Select(c => parties[c.Courtyard.Responsible!.Value].Kind).Distinct().Order());
        Assert.Equal(Enum.GetValues<DeviceKind>(), Site.Agents.SelectMany(a => a.Agent.Devices).Select(d => d.Kind).Distinct().Order());
    }

    [Fact]
    public void Chargers_and_mains_lamps_sense_current_through_transformers_and_the_INA219_is_left_to_12_V_lamps()
    {
        var currents = Site.Agents.SelectMany(a => a.Agent.Devices).SelectMany(d => d.Parts.Where(p => p.Role == "current").Select(p => (d.Kind, d.Id, p.Driver))).ToList();
        Assert.All(currents.Where(c => c.Kind == DeviceKind.Charger), c => Assert.Equal("ct-ads1115", c.Driver));
        Assert.All(currents.Where(c => c.Driver == "ina219"), c => Assert.Equal((DeviceKind.Streetlight, "lamp-04"), (c.Kind, c.Id.Value)));
        Assert.Contains(currents, c => c.Kind == DeviceKind.Streetlight && c.Driver == "ct-ads1115");
    }

    [Fact]
    public void Every_courtyard_has_a_chinese_name_and_an_agent()
    {
        Assert.All(Site.Courtyards, c =>
        {
            Assert.Contains(c.Courtyard.Name, ch => ch >= '\u4e00' && ch <= '\u9fff');
            Assert.NotEmpty(c.Courtyard.Agents);
        });
    }

    [Theory]
    [InlineData("site.json", "site.schema.json")]
    [InlineData("communities/yikang-road.json", "community.schema.json")]
    [InlineData("communities/yongxing-road.json", "community.schema.json")]
    [InlineData("communities/huachang-road.json", "community.schema.json")]
    public void The_sample_files_conform_to_their_json_schema(string file, string schemaFile)
    {
        var schema = Schemas[schemaFile];
        using var instance = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.SampleSite, file)));
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(20)));
    }

    [Fact]
    public void The_schema_refuses_what_the_validator_refuses_structurally()
    {
        var schema = Schemas["community.schema.json"];
        var instance = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.SampleSite, "communities", "yikang-road.json")))!;
        instance["courtyards"]![0]!["agents"]![0]!["devices"]![0]!["parts"]![0]!["driver"] = "ina999";
        using var doc = System.Text.Json.JsonDocument.Parse(instance.ToJsonString());
        Assert.False(schema.Evaluate(doc.RootElement).IsValid);
    }
}
