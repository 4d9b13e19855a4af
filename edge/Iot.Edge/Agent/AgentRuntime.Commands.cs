using Iot.Edge.Config;
using Iot.Edge.Hardware;
using Iot.Edge.Outbox;
using Iot.Edge.Safety;
using Iot.Edge.Sensors;
using Iot.Edge.Simulation;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent;

/// <summary>Commands and desired configuration: what the cloud asks of the agent.</summary>
public sealed partial class AgentRuntime
{
    /// <summary>
    /// Carries out a command (its signature, age and address already checked by <see cref="ControlTrust"/>) and writes
    /// its result to the outbox. An id carried out before, in this run or an earlier one, is refused: a recorded command
    /// replayed, or QoS 1 delivering it twice, never acts again.
    /// </summary>
    public CommandResult Execute(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            bool first;
            try
            {
                first = Trust.FirstTime(command.Id);
            }
            catch (IOException e)
            {
                first = true; // remembered for this run; the disk refused the record
                AgentLog.TrustNotSaved(_logger, Name, e.Message);
            }

            var error = first ? Carry(command) : $"refused: command {command.Id} was carried out before; a command is never carried out twice";

            var kind = WireNames.Of(command.Kind);
            AgentLog.CommandDone(_logger, Name, command.Id.Value, kind, error ?? "ok");
            return WriteResult(command.Id, error);
        }
    }

    /// <summary>Answers a command that could not even be read (its id is known, its content is not valid).</summary>
    public CommandResult Refuse(CommandId id, string error)
    {
        lock (_gate)
        {
            return WriteResult(id, error);
        }
    }

    /// <summary>
    /// Applies a validated desired configuration: the devices are rebuilt on the new manifest; when any fails to
    /// open, the old ones are rebuilt and the config is refused. Latched outlets stay latched either way.
    /// </summary>
    public bool Apply(DesiredConfig desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_gate)
        {
            if (desired.Hash == ConfigHash)
            {
                // The config in force, sent again (the cloud overwriting one the agent refused): nothing stands refused.
                RecordApplied(desired.IssuedAt);
                if (RejectedConfig is not null)
                {
                    RejectedConfig = null;
                    StatusChanged?.Invoke();
                }

                return true;
            }

            Dispose(_devices);
            var fresh = Build(desired.Config, out var failures);
            if (failures.Count > 0)
            {
                Dispose(fresh);
                var old = Build(Manifest, out var oldFailures);
                Use(old, oldFailures);
                Reject(desired.Hash, failures.Select(f => $"{f.Device.Id}: {f.Reason}").ToList());
                return false;
            }

            Use(fresh, []);
            Manifest = desired.Config;
            RecordApplied(desired.IssuedAt);

            ConfigHash = desired.Hash;
            RejectedConfig = null;
            AgentLog.ConfigApplied(_logger, Name, desired.Hash);
            _sink.Report(EventKind.ConfigApplied, DeviceOf(desired.Config), reason: $"config {desired.Hash[..12]} applied");
            StatusChanged?.Invoke();
            return true;
        }
    }

    private void RecordApplied(DateTimeOffset issuedAt)
    {
        try
        {
            Trust.Applied(issuedAt);
        }
        catch (IOException e)
        {
            AgentLog.TrustNotSaved(_logger, Name, e.Message);
        }
    }

    /// <summary>Records a configuration refused before it reached the devices (it did not validate).</summary>
    public void Reject(string hash, IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        lock (_gate)
        {
            RejectedConfig = new ConfigRejection(hash, reasons.Take(20).ToList());
            var text = string.Join("; ", reasons);
            AgentLog.ConfigRejected(_logger, Name, hash, text);
            _sink.Report(EventKind.ConfigRejected, DeviceOf(Manifest), reason: text.Length > MessageLimits.MaxTextLength ? text[..(MessageLimits.MaxTextLength - 3)] + "..." : text);
            StatusChanged?.Invoke();
        }
    }

    private string? Carry(Command command)
    {
        switch (command.Kind)
        {
            case CommandKind.ResetOutlet:
                return _devices.Find(d => d.Id == command.Device) is Charger charger
                    ? charger.Reset(command.Outlet ?? 0, command.Person, command.Reason)
                    : $"no charging station '{command.Device}' on this agent";
            case CommandKind.SwitchLamp:
                if (_devices.Find(d => d.Id == command.Device) is not Streetlight lamp)
                {
                    return $"no streetlight '{command.Device}' on this agent";
                }

                lamp.Command(command.On ?? true, command.ForMinutes);
                return null;
            default:
                StatusChanged?.Invoke();
                return null;
        }
    }

    private CommandResult WriteResult(CommandId id, string? error)
    {
        CommandResult? result = null;
        var (at, bootMs) = Clock.Stamp();
        Append(OutboxPriority.Event, Channel.Results, seq =>
        {
            result = new CommandResult(ProtocolVersion.Current, Identity.Agent, Clock.Boot, seq, id, error is null, error, at, bootMs);
            return ProtocolJson.Serialize(result);
        });
        return result ?? new CommandResult(ProtocolVersion.Current, Identity.Agent, Clock.Boot, 1, id, error is null, error, at, bootMs);
    }
}
