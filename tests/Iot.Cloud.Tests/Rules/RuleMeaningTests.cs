using Iot.Cloud.Rules;

namespace Iot.Cloud.Tests.Rules;

/// <summary>What a rule means is read from its definition, never from the name of its fault, which is data people edit.</summary>
public sealed class RuleMeaningTests
{
    private static Rule Default(string key, string? fault = null)
    {
        var d = DefaultRules.All.Single(r => r.Key == key);
        return new Rule { Key = d.Key, Scope = "site", Name = d.Name, Kind = d.Kind, Target = d.Target, Fault = fault ?? d.Fault, Severity = d.Severity, ParametersJson = d.Parameters.ToJson(), CreatedBy = "system" };
    }

    [Theory]
    [InlineData("lamp-dark-at-night", true)]
    [InlineData("lamp-burnt-out", true)]
    [InlineData("lamp-lit-in-daylight", false)]
    [InlineData("lamp-abnormal-current", false)]
    [InlineData("gate-forced", false)]
    [InlineData("charger-cut-off", false)]
    public void The_rules_that_say_a_lamp_is_dark_are_known_by_what_they_watch(string key, bool dark) =>
        Assert.Equal(dark, Default(key).SaysLampIsDark);

    [Fact]
    public void Renaming_the_fault_does_not_change_what_the_rule_means() =>
        Assert.True(Default("lamp-dark-at-night", fault: "路灯不亮").SaysLampIsDark);

    [Fact]
    public void A_night_rule_raised_by_a_high_current_is_not_a_dark_lamp()
    {
        var rule = Default("lamp-dark-at-night");
        rule.ParametersJson = new RuleParameters { Signal = "current", Above = 2, ClearBelow = 1.5, When = "night" }.ToJson();
        Assert.False(rule.SaysLampIsDark);
    }
}
