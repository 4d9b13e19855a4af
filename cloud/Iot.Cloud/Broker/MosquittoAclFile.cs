using Iot.Cloud.Operations;
using MQTTnet;

namespace Iot.Cloud.Broker;

/// <summary>
/// Mosquitto's ACL file, as <c>iot-edge provision broker</c> writes it into <c>broker/acl</c>, read and applied the way
/// Mosquitto 2.0 applies it: <c>user NAME</c> starts an account's rules, <c>topic [read|write|readwrite|deny] FILTER</c>
/// grants (or denies) what matches the filter, <c>pattern ...</c> does so for every account with <c>%u</c> and <c>%c</c>
/// replaced by its name. A matching deny wins; otherwise a matching grant allows; anything else is refused.
/// </summary>
public sealed class MosquittoAclFile
{
    private readonly Dictionary<string, List<Rule>> _users;
    private readonly List<Rule> _patterns;

    private MosquittoAclFile(Dictionary<string, List<Rule>> users, List<Rule> patterns)
    {
        _users = users;
        _patterns = patterns;
    }

    /// <summary>What a rule grants.</summary>
    [Flags]
    public enum Access
    {
        /// <summary>A deny rule: nothing, whatever else matches.</summary>
        None = 0,

        /// <summary>Receive messages on matching topics.</summary>
        Read = 1,

        /// <summary>Publish to matching topics.</summary>
        Write = 2,
    }

    /// <summary>Reads <paramref name="file"/>; a line it cannot use stops the start, named by file and line.</summary>
    public static MosquittoAclFile Load(string file)
    {
        var users = new Dictionary<string, List<Rule>>(StringComparer.Ordinal);
        var patterns = new List<Rule>();

        // Rules before the first `user` line are for anonymous clients, which an embedded broker with accounts refuses.
        var current = new List<Rule>();
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var (keyword, rest) = Split(line);
            switch (keyword)
            {
                case "user" when rest.Length > 0:
                    if (!users.TryGetValue(rest, out var rules))
                    {
                        users[rest] = rules = [];
                    }

                    current = rules;
                    break;
                case "topic" or "pattern" when ParseRule(rest) is { } rule:
                    (keyword == "topic" ? current : patterns).Add(rule);
                    break;
                default:
                    throw new SettingsException($"{file}:{number}: not a Mosquitto ACL line ('user NAME', 'topic [read|write|readwrite|deny] TOPIC' or 'pattern ...')");
            }
        }

        return new MosquittoAclFile(users, patterns);
    }

    /// <summary>Whether <paramref name="user"/> may publish to <paramref name="topic"/>.</summary>
    public bool MayPublish(string user, string topic) => Allows(user, topic, Access.Write);

    /// <summary>Whether <paramref name="user"/> may receive a message published to <paramref name="topic"/>.</summary>
    public bool MayReceive(string user, string topic) => Allows(user, topic, Access.Read);

    private bool Allows(string user, string topic, Access wanted)
    {
        if (string.IsNullOrEmpty(topic) || topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
        {
            return false;
        }

        var own = _users.TryGetValue(user, out var rules) ? rules : [];

        // Mosquitto applies no pattern to a name that would change the pattern's levels.
        var patterns = user.AsSpan().IndexOfAny('+', '#', '/') >= 0
            ? []
            : _patterns.Select(p => p with { Filter = p.Filter.Replace("%u", user, StringComparison.Ordinal).Replace("%c", user, StringComparison.Ordinal) });
        var all = own.Concat(patterns).Where(r => MqttTopicFilterComparer.Compare(topic, r.Filter) == MqttTopicFilterCompareResult.IsMatch).ToList();
        return !all.Any(r => r.Access == Access.None) && all.Any(r => r.Access.HasFlag(wanted));
    }

    private static (string Head, string Tail) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..].Trim());
    }

    private static Rule? ParseRule(string text)
    {
        var (first, rest) = Split(text);
        var (access, filter) = first switch
        {
            "read" => (Access.Read, rest),
            "write" => (Access.Write, rest),
            "readwrite" => (Access.Read | Access.Write, rest),
            "deny" => (Access.None, rest),
            _ => (Access.Read | Access.Write, text),
        };
        return IsFilter(filter) ? new Rule(access, filter) : null;
    }

    // A topic filter: '+' only as a whole level, '#' only as the whole last level.
    private static bool IsFilter(string filter)
    {
        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if ((level.Contains('#', StringComparison.Ordinal) && (level.Length > 1 || i < levels.Length - 1))
                || (level.Contains('+', StringComparison.Ordinal) && level.Length > 1))
            {
                return false;
            }
        }

        return filter.Length > 0;
    }

    private sealed record Rule(Access Access, string Filter);
}
