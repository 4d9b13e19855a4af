using System.Globalization;
using System.Text.Json;
using Iot.Edge.Storage;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Signing;
using Iot.Protocol.Validation;

namespace Iot.Edge.Agent;

/// <summary>What the agent made of a signed config: the config to apply, or why it was refused.</summary>
/// <param name="Config">The config, signed by a trusted key, valid, and not older than the one in force.</param>
/// <param name="Hash">The config's hash as the message gives it (for the refusal's record).</param>
/// <param name="Refusal">Why it is refused, one reason a line; empty when accepted.</param>
public sealed record ConfigVerdict(DesiredConfig? Config, string Hash, IReadOnlyList<string> Refusal);

/// <summary>What the agent made of a signed command: the command to carry out, or why not (answered when its id is readable).</summary>
/// <param name="Command">The command, signed by a trusted key, valid, fresh, for this agent, not carried out before.</param>
/// <param name="Id">Its id, when it could be read (the result goes there).</param>
/// <param name="Refusal">Why it is refused; null when accepted.</param>
public sealed record CommandVerdict(Command? Command, CommandId? Id, string? Refusal);

/// <summary>
/// Who the agent believes: configs and commands count only when signed by a key it trusts (the cloud's, from its
/// bundle), addressed to it, and neither replayed nor stale. A command id is never carried out twice, remembered
/// across restarts (the last 1,000); a config issued before the one in force is refused. Both memories are written
/// durably to the agent's data folder. See protocol/README.md, "Signed configs and commands".
/// </summary>
public sealed class ControlTrust
{
    /// <summary>How old (or how far ahead) a command may be by its <c>issuedAt</c> when the clock is synced.</summary>
    public static readonly TimeSpan CommandLifetime = TimeSpan.FromMinutes(5);

    private const int CommandsRemembered = 1000;
    private readonly TrustedKeys _keys;
    private readonly AgentId _agent;
    private readonly AgentClock _clock;
    private readonly string? _commandsFile;
    private readonly string? _configFile;
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _done = new();
    private readonly HashSet<string> _doneIds = new(StringComparer.Ordinal);
    private DateTimeOffset _configIssuedAt = DateTimeOffset.MinValue;

    /// <summary>Reads what was remembered in <paramref name="folder"/> (null: memory only, for tests of other things).</summary>
    public ControlTrust(TrustedKeys keys, AgentId agent, AgentClock clock, string? folder)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _agent = agent;
        _clock = clock;
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            _commandsFile = Path.Combine(folder, "commands-done.txt");
            _configFile = Path.Combine(folder, "config-issued.txt");
            if (File.Exists(_commandsFile))
            {
                foreach (var id in File.ReadAllLines(_commandsFile).Where(l => l.Length > 0).TakeLast(CommandsRemembered))
                {
                    Remember(id);
                }
            }

            if (File.Exists(_configFile)
                && DateTimeOffset.TryParse(File.ReadAllText(_configFile).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var issued))
            {
                _configIssuedAt = issued;
            }
        }
    }

    /// <summary>The keys trusted (ids), for the log at start.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.KeyIds;

    /// <summary>Opens a config from the <c>config</c> channel.</summary>
    public ConfigVerdict OpenConfig(byte[] envelope)
    {
        var opened = SignedMessage.Open(envelope, _keys, SignedPurpose.Config);
        if (!opened.IsTrusted)
        {
            return new ConfigVerdict(null, Field(envelope, "hash") ?? "unsigned", [$"refused: {opened.Problem}"]);
        }

        var read = MessageReader.ReadDesiredConfig(opened.Payload, _clock.ValidationNow);
        if (read.Message is not { } config)
        {
            return new ConfigVerdict(null, Field(opened.Payload!, "hash") ?? "unknown", read.Problems.Select(p => p.ToString()).ToList());
        }

        if (config.Agent != _agent)
        {
            return new ConfigVerdict(null, config.Hash, [$"refused: the config is for agent '{config.Agent}', not '{_agent}'"]);
        }

        lock (_gate)
        {
            return config.IssuedAt < _configIssuedAt
                ? new ConfigVerdict(null, config.Hash, [string.Create(CultureInfo.InvariantCulture,
                    $"refused: stale, issued {config.IssuedAt:yyyy-MM-ddTHH:mm:ssZ}, before the config in force ({_configIssuedAt:yyyy-MM-ddTHH:mm:ssZ}): an old config replayed")])
                : new ConfigVerdict(config, config.Hash, []);
        }
    }

    /// <summary>
    /// Records that a config issued at <paramref name="issuedAt"/> is in force: nothing issued earlier is taken again.
    /// Throws <see cref="IOException"/> when the record could not be written (it holds for this run).
    /// </summary>
    public void Applied(DateTimeOffset issuedAt)
    {
        lock (_gate)
        {
            if (issuedAt <= _configIssuedAt)
            {
                return;
            }

            _configIssuedAt = issuedAt;
            if (_configFile is not null)
            {
                DurableFile.Replace(_configFile, issuedAt.ToString("O", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Opens a command from the <c>commands</c> channel.</summary>
    public CommandVerdict OpenCommand(byte[] envelope)
    {
        var opened = SignedMessage.Open(envelope, _keys, SignedPurpose.Command);
        if (!opened.IsTrusted)
        {
            return new CommandVerdict(null, IdIn(envelope), $"refused: {opened.Problem}");
        }

        var read = MessageReader.ReadCommand(opened.Payload, _clock.ValidationNow);
        if (read.Message is not { } command)
        {
            return new CommandVerdict(null, IdIn(opened.Payload!), read.Summary);
        }

        if (command.Agent != _agent)
        {
            return new CommandVerdict(null, command.Id, $"refused: the command is for agent '{command.Agent}', not '{_agent}'");
        }

        if (_clock.IsSynced && (_clock.Time.GetUtcNow() - command.IssuedAt).Duration() > CommandLifetime)
        {
            return new CommandVerdict(null, command.Id, string.Create(CultureInfo.InvariantCulture,
                $"refused: issued {command.IssuedAt:yyyy-MM-ddTHH:mm:ssZ}, more than {CommandLifetime.TotalMinutes:0} minutes from this agent's clock: a command is carried out only when fresh"));
        }

        return new CommandVerdict(command, command.Id, null);
    }

    /// <summary>
    /// Records <paramref name="id"/> as carried out; false when it already was (then it must not be carried out again).
    /// Throws <see cref="IOException"/> when the record could not be written (it holds for this run).
    /// </summary>
    public bool FirstTime(CommandId id)
    {
        lock (_gate)
        {
            if (_doneIds.Contains(id.Value))
            {
                return false;
            }

            Remember(id.Value);
            if (_commandsFile is not null)
            {
                DurableFile.Replace(_commandsFile, string.Concat(_done.Select(i => i + "\n")));
            }

            return true;
        }
    }

    private void Remember(string id)
    {
        if (_doneIds.Add(id))
        {
            _done.AddLast(id);
        }

        while (_done.Count > CommandsRemembered)
        {
            _doneIds.Remove(_done.First!.Value);
            _done.RemoveFirst();
        }
    }

    private static CommandId? IdIn(byte[] payload) =>
        Field(payload, "id") is { } text && CommandId.TryParse(text, out var id, out _) ? id : null;

    // A field of an unverified message, read only to say what was refused.
    private static string? Field(byte[] payload, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            // An envelope whose signature failed: the field is inside its payload.
            return doc.RootElement.TryGetProperty("payload", out var inner) && inner.ValueKind == JsonValueKind.String
                && System.Buffers.Text.Base64Url.IsValid(inner.GetString()!)
                ? Field(System.Buffers.Text.Base64Url.DecodeFromChars(inner.GetString()!), name)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
