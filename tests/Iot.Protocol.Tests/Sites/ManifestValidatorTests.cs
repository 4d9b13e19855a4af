using System.Text.Json.Nodes;
using Iot.Protocol.Sites;

namespace Iot.Protocol.Tests.Sites;

/// <summary>Each class of manifest error is caught with the file, the path and a reason a technician can act on.</summary>
public class ManifestValidatorTests
{
    private const string Yikang = "communities/yikang-road.json";

    private static JsonNode FirstAgent(JsonNode community) => community["courtyards"]![0]!["agents"]![0]!;

    private static JsonNode Device(JsonNode community, int index) => FirstAgent(community)["devices"]![index]!;

    private static void AssertProblem(SiteTexts texts, string file, string path, string reason)
    {
        var result = texts.Read();
        Assert.False(result.IsValid);
        Assert.True(
            result.Problems.Any(p => p.File == file && p.Path == path && p.Reason.Contains(reason, StringComparison.Ordinal)),
            $"expected {file}: {path}: ...{reason}...; got:\n{string.Join("\n", result.Problems)}");
    }

    [Fact]
    public void A_charger_cut_off_temperature_above_its_safety_ceiling_is_refused_naming_the_setting_and_the_ceiling() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 6)["thresholds"]!["overTemperatureC"]!["above"] = 90),
            Yikang, "$.courtyards[0].agents[0].devices[6].thresholds.overTemperatureC.above",
            "is 90 Cel; the safety ceiling compiled into the agent for 'overTemperatureC' is 70 Cel: configuration may make it stricter, never looser");

    [Fact]
    public void A_safety_trip_held_back_longer_than_its_ceiling_allows_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 6)["thresholds"]!["overCurrentA"]!["forSeconds"] = 30),
            Yikang, "$.courtyards[0].agents[0].devices[6].thresholds.overCurrentA.forSeconds", "is 30 s; the safety ceiling compiled into the agent for 'overCurrentA' is 1 s");

    [Fact]
    public void Stricter_safety_thresholds_are_fine()
    {
        var texts = SiteTexts.Sample().EditCommunity(Yikang, c =>
        {
            Device(c, 6)["thresholds"]!["overTemperatureC"]!["above"] = 50;
            Device(c, 6)["thresholds"]!["overTemperatureC"]!["clearBelow"] = 40;
            Device(c, 6)["thresholds"]!["overCurrentA"]!["above"] = 2.5;
            Device(c, 6)["thresholds"]!["overCurrentA"]!["clearBelow"] = 2;
        });
        Assert.True(texts.Read().IsValid, string.Join("\n", texts.Read().Problems));
    }

    [Fact]
    public void More_households_of_elderly_people_alone_than_households_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![0]!["elderlyAlone"] = 37),
            Yikang, "$.courtyards[0].elderlyAlone", "elderlyAlone (37) counts households: at least 0 and at most the courtyard's 36 households");

    [Fact]
    public void A_care_service_level_that_acknowledges_after_fixing_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditSite(s => s["careServiceLevel"] = new JsonObject { ["ackMinutes"] = 300, ["fixMinutes"] = 240 }),
            "site.json", "$.careServiceLevel", "acknowledging due no later than fixing");

    [Fact]
    public void Duplicate_courtyard_id_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![1]!["id"] = c["courtyards"]![0]!["id"]!.GetValue<string>()),
            Yikang, "$.courtyards[1].id", "duplicate courtyard id 'yikang-");

    [Fact]
    public void Duplicate_agent_id_across_files_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity("communities/huachang-road.json", c => FirstAgent(c)["id"] = "yikang-1-a"),
            Yikang, "$.courtyards[0].agents[0].id", "duplicate agent id 'yikang-1-a' (also in communities/huachang-road.json)");

    [Fact]
    public void Duplicate_device_id_on_one_agent_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 1)["id"] = Device(c, 0)["id"]!.GetValue<string>()),
            Yikang, "$.courtyards[0].agents[0].devices[1].id", "duplicate device id 'lamp-01'");

    [Fact]
    public void Two_devices_on_the_same_gpio_pin_are_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 1)["parts"]!.AsArray().Last()!["pin"] = Device(c, 0)["parts"]!.AsArray().Last()!["pin"]!.GetValue<int>()),
            Yikang, "$.courtyards[0].agents[0].devices[1].parts[2].pin", "GPIO 5 is already used at $.courtyards[0].agents[0].devices[0].parts[2].pin");

    [Fact]
    public void Two_chips_at_one_i2c_address_on_one_bus_are_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 1)["parts"]![1]!["address"] = "0x23"),
            Yikang, "$.courtyards[0].agents[0].devices[1].parts[1].address", "I2C bus 1 address 0x23 is already used by lamp-01/light");

    [Fact]
    public void The_same_address_on_another_bus_is_fine()
    {
        var texts = SiteTexts.Sample().EditCommunity(Yikang, c =>
        {
            Device(c, 1)["parts"]![1]!["address"] = "0x23";
            Device(c, 1)["parts"]![1]!["bus"] = 3;
        });
        Assert.Empty(texts.Read().Problems);
    }

    [Fact]
    public void Unknown_driver_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["driver"] = "ina226"),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0].driver", "unknown driver 'ina226'; known drivers are ina219");

    [Fact]
    public void A_driver_in_the_wrong_role_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["driver"] = "bh1750"),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0].driver", "driver 'bh1750' cannot serve as 'current'; use ina219 or ct-ads1115");

    // yikang-1-a: its station's outlets on the ADS1115s at 0x49 (inputs 0-3) and 0x4a (0-1); lamp-01 on 0x4a input 2,
    // lamp-02 on 0x4a input 3, lamp-03 on 0x4b input 0; lamp-04 is a 12 V solar lamp on an INA219 at 0x43.
    [Fact]
    public void A_current_transformer_without_its_rating_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!.AsObject().Remove("ampsPerVolt")),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0].ampsPerVolt", "a current transformer needs its rating in A per V of output");

    [Fact]
    public void Two_transformers_on_one_ADS1115_input_are_refused_naming_the_other() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["channel"] = 3),
            Yikang, "$.courtyards[0].agents[0].devices[1].parts[0].channel", "input 3 of the ADS1115 at 0x4a on bus 1 already carries lamp-01/current's transformer");

    [Fact]
    public void A_transformer_without_its_input_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["channel"] = 4),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0].channel", "a current transformer needs its ADS1115 input: channel 0, 1, 2 or 3");

    [Fact]
    public void A_transformer_at_an_address_no_ADS1115_answers_at_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["address"] = "0x40"),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0].address", "an ADS1115 answers at 0x48, 0x49, 0x4a or 0x4b");

    [Fact]
    public void Another_chip_on_the_address_of_a_transformers_ADS1115_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 3)["parts"]![0]!["address"] = "0x4a"),
            Yikang, "$.courtyards[0].agents[0].devices[3].parts[0].address", "I2C bus 1 address 0x4a is already used by lamp-01/current");

    [Fact]
    public void An_INA219_setting_on_a_transformer_is_refused() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["shuntOhms"] = 0.1),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[0]", "shuntOhms and maxCurrentA belong to an INA219; a current transformer takes ampsPerVolt");

    [Fact]
    public void A_missing_required_part_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]!.AsArray().RemoveAt(0)),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts", "a streetlight needs a 'current' part (ina219 or ct-ads1115)");

    [Fact]
    public void Inverted_high_threshold_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Drain(c)["thresholds"]!["waterLevelCm"] = new JsonObject { ["above"] = 20, ["clearBelow"] = 30 }),
            Yikang, $"$.courtyards[0].agents[0].devices[{DrainIndex(SiteTexts.Sample())}].thresholds.waterLevelCm.clearBelow", "inverted threshold: clears below 30 but raises above 20");

    [Fact]
    public void Inverted_low_threshold_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["thresholds"] = new JsonObject { ["burntOutCurrentA"] = new JsonObject { ["below"] = 0.2, ["clearAbove"] = 0.1 } }),
            Yikang, "$.courtyards[0].agents[0].devices[0].thresholds.burntOutCurrentA.clearAbove", "inverted threshold");

    [Fact]
    public void A_threshold_the_kind_does_not_have_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["thresholds"] = new JsonObject { ["waterLevelCm"] = new JsonObject { ["above"] = 1, ["clearBelow"] = 0 } }),
            Yikang, "$.courtyards[0].agents[0].devices[0].thresholds.waterLevelCm", "a streetlight has no threshold 'waterLevelCm'");

    [Fact]
    public void A_courtyard_without_a_responsible_party_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![2]!.AsObject().Remove("responsible")),
            Yikang, "$.courtyards[2].responsible", "has no responsible party");

    [Fact]
    public void A_responsible_party_missing_from_the_site_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![2]!["responsible"] = "nobody-property"),
            Yikang, "$.courtyards[2].responsible", "party 'nobody-property' is not defined in site.json");

    [Fact]
    public void A_property_company_other_than_the_blocks_contracted_one_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![0]!["responsible"] = "anju-property"),
            Yikang, "$.courtyards[0].responsible", "is not the company contracted for block");

    [Fact]
    public void A_courtyard_in_an_unknown_block_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![0]!["block"] = "yongxing-east"),
            Yikang, "$.courtyards[0].block", "block 'yongxing-east' is not a block of community 'yikang-road'");

    [Fact]
    public void A_pin_off_the_header_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]!.AsArray().Last()!["pin"] = 40),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[2].pin", "GPIO 40 is not on the Raspberry Pi header");

    [Fact]
    public void A_plain_pin_on_the_i2c_bus_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["parts"]!.AsArray().Last()!["pin"] = 2),
            Yikang, "$.courtyards[0].agents[0].devices[0].parts[2].pin", "GPIO 2 carries I2C bus 1 SDA");

    [Fact]
    public void A_party_of_the_wrong_kind_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["residentsCommittee"] = "xinyu-property"),
            Yikang, "$.residentsCommittee", "party 'xinyu-property' is a propertyCompany, not a residentsCommittee");

    [Fact]
    public void A_duplicate_party_is_caught() =>
        AssertProblem(
            SiteTexts.Sample().EditSite(s => s["parties"]!.AsArray().Add(JsonNode.Parse("""{"id": "yikang-rc", "name": "重复", "kind": "residentsCommittee"}"""))),
            "site.json", "$.parties[16].id", "duplicate party id 'yikang-rc'");

    [Fact]
    public void A_misspelt_property_is_an_error_not_silently_ignored() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => Device(c, 0)["thresolds"] = new JsonObject()),
            Yikang, "$.courtyards[0].agents[0].devices[0].thresolds", "unknown property 'thresolds' (misspelt?)");

    [Fact]
    public void A_malformed_id_is_reported_with_its_path() =>
        AssertProblem(
            SiteTexts.Sample().EditCommunity(Yikang, c => c["courtyards"]![4]!["id"] = "益康路"),
            Yikang, "$.courtyards[4].id", "courtyard id '益康路' has '益'");

    [Fact]
    public void Broken_json_is_reported_with_its_line()
    {
        var texts = SiteTexts.Sample();
        texts = texts with { Communities = [.. texts.Communities.Skip(1), texts.Communities[0] with { Json = "{\n  \"id\": \"huachang-road\",\n  oops\n}" }] };
        var problem = Assert.Single(texts.Read().Problems);
        Assert.Equal("communities/huachang-road.json", problem.File);
        Assert.Contains("(line 3)", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_problems_in_several_files_are_all_reported()
    {
        var texts = SiteTexts.Sample()
            .EditCommunity(Yikang, c => Device(c, 0)["parts"]![0]!["driver"] = "ina226")
            .EditCommunity("communities/yongxing-road.json", c => c["courtyards"]![0]!.AsObject().Remove("responsible"));
        var problems = texts.Read().Problems;
        Assert.Contains(problems, p => p.File == Yikang);
        Assert.Contains(problems, p => p.File == "communities/yongxing-road.json");
    }

    private static JsonNode Drain(JsonNode community) =>
        FirstAgent(community)["devices"]!.AsArray().First(d => d!["kind"]!.GetValue<string>() == "drain")!;

    private static int DrainIndex(SiteTexts texts)
    {
        var community = JsonNode.Parse(texts.Communities.Single(c => c.File == Yikang).Json)!;
        return FirstAgent(community)["devices"]!.AsArray().Select((d, i) => (d, i)).First(p => p.d!["kind"]!.GetValue<string>() == "drain").i;
    }
}

public class ServiceLevelValidationTests
{
    private static SiteTexts WithLevels(string levels) =>
        SiteTexts.Sample().EditSite(s => s["parties"]![0]!["serviceLevels"] = System.Text.Json.Nodes.JsonNode.Parse(levels));

    [Fact]
    public void Service_levels_with_an_unknown_severity_are_caught() =>
        Assert.Contains(WithLevels("""{"urgent": {"ackMinutes": 5, "fixMinutes": 10}}""").Read().Problems, p => p.Path == "$.parties[0].serviceLevels.urgent" && p.Reason.Contains("unknown severity", StringComparison.Ordinal));

    [Fact]
    public void Acknowledging_due_after_fixing_is_caught() =>
        Assert.Contains(WithLevels("""{"major": {"ackMinutes": 600, "fixMinutes": 60}}""").Read().Problems, p => p.Path == "$.parties[0].serviceLevels.major" && p.Reason.Contains("cannot be due after fixing", StringComparison.Ordinal));
}
