using Iot.Cloud.Rules;
using Iot.Cloud.Sites;
using Iot.Testing;

namespace Iot.Cloud.Tests.Support;

/// <summary>The sample site's registry and the default rules, as the cloud builds them, for tests of rules and alerts.</summary>
public static class SampleSite
{
    public static readonly RegistrySnapshot Registry = Load();

    public static readonly SunClock Sun = new(25.031, 102.676, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    // 21:00 and 12:00 in Kunming (UTC+8) on a winter day.
    public static readonly DateTimeOffset Night = new(2026, 12, 1, 13, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Noon = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);

    public static List<Rule> DefaultRules() =>
        Iot.Cloud.Rules.DefaultRules.All.Select((d, i) => new Rule
        {
            Id = i + 1, Key = d.Key, Version = 1, Scope = "site", Name = d.Name, Kind = d.Kind, Target = d.Target, Fault = d.Fault,
            Severity = d.Severity, ParametersJson = d.Parameters.ToJson(), CreatedBy = "test",
        }).ToList();

    public static RuleSet Rules(params Rule[] extra) => RuleSet.Build([.. DefaultRules(), .. extra], Registry);

    private static RegistrySnapshot Load()
    {
        var folder = SiteFolder.Read(RepoPaths.SampleSite);
        return RegistrySnapshot.Of(folder.Parse().Site!, folder.Hash);
    }
}
