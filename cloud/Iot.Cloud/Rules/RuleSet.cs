using Iot.Cloud.Sites;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Rules;

/// <summary>
/// The rules in force, resolved per courtyard: for each key the courtyard's own rule if it has one, else its
/// block's, else the site's. Rebuilt whole when rules or the site registry change.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<CourtyardId, Dictionary<string, List<Rule>>> _byCourtyard = [];

    private RuleSet(IReadOnlyList<Rule> rules) => All = rules;

    /// <summary>Every rule in force (all scopes).</summary>
    public IReadOnlyList<Rule> All { get; }

    public static RuleSet Empty { get; } = new([]);

    /// <summary>Resolves <paramref name="current"/> (the versions in force) for every courtyard of the registry.</summary>
    public static RuleSet Build(IReadOnlyList<Rule> current, RegistrySnapshot? registry)
    {
        var set = new RuleSet(current);
        if (registry is null)
        {
            return set;
        }

        foreach (var (_, courtyard) in registry.Site.Courtyards)
        {
            // The narrowest version decides, disabled or not: a disabled courtyard override switches the rule off there.
            var resolved = current
                .Where(r => r.Scope == "site" || r.Scope == $"block:{courtyard.Block}" || r.Scope == $"courtyard:{courtyard.Id}")
                .GroupBy(r => r.Key)
                .Select(g => g.OrderByDescending(r => r.Scope.StartsWith("courtyard:", StringComparison.Ordinal) ? 2 : r.Scope.StartsWith("block:", StringComparison.Ordinal) ? 1 : 0).First())
                .Where(r => r.Enabled);
            set._byCourtyard[courtyard.Id] = resolved.GroupBy(r => r.Target).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        }

        return set;
    }

    /// <summary>The rules for <paramref name="target"/> (a device kind, <c>device</c> or <c>agent</c>) in a courtyard.</summary>
    public IReadOnlyList<Rule> For(CourtyardId courtyard, string target) =>
        _byCourtyard.TryGetValue(courtyard, out var byTarget) && byTarget.TryGetValue(target, out var rules) ? rules : [];

    /// <summary>Finds the rule in force with <paramref name="key"/> for a courtyard.</summary>
    public Rule? Find(CourtyardId courtyard, string key) =>
        _byCourtyard.TryGetValue(courtyard, out var byTarget) ? byTarget.Values.SelectMany(r => r).FirstOrDefault(r => r.Key == key) : null;
}
