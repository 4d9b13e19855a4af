using Iot.Cloud.Rules;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Tests.Rules;

/// <summary>Which version of a rule applies in a courtyard: the narrowest scope decides, also when it is switched off.</summary>
public sealed class RuleSetTests
{
    private static Rule Override(string key, string scope, bool enabled)
    {
        var site = SampleSite.DefaultRules().Single(r => r.Key == key);
        return new Rule
        {
            Id = 1000, Key = key, Version = 1, Scope = scope, Name = site.Name, Kind = site.Kind, Target = site.Target, Fault = site.Fault,
            Severity = site.Severity, ParametersJson = site.ParametersJson, CreatedBy = "test", Enabled = enabled,
        };
    }

    [Fact]
    public void A_disabled_courtyard_override_switches_the_rule_off_in_that_courtyard_only()
    {
        var rules = SampleSite.Rules(Override("charger-hot", "courtyard:yikang-1", enabled: false));

        Assert.Null(rules.Find(CourtyardId.Parse("yikang-1"), "charger-hot"));
        Assert.NotNull(rules.Find(CourtyardId.Parse("yikang-6"), "charger-hot"));
    }

    [Fact]
    public void A_disabled_block_override_switches_it_off_in_the_block_and_a_courtyard_there_can_switch_it_back_on()
    {
        var block = SampleSite.Registry.Site.Courtyards.Select(c => c.Courtyard).First(c => c.Id.Value == "yikang-1").Block.Value;
        var rules = SampleSite.Rules(Override("charger-hot", $"block:{block}", enabled: false), Override("charger-hot", "courtyard:yikang-1", enabled: true));

        Assert.NotNull(rules.Find(CourtyardId.Parse("yikang-1"), "charger-hot"));
        var sameBlock = SampleSite.Registry.Site.Courtyards.Select(c => c.Courtyard).First(c => c.Block.Value == block && c.Id.Value != "yikang-1").Id.Value;
        Assert.Null(rules.Find(CourtyardId.Parse(sameBlock), "charger-hot"));
    }
}
