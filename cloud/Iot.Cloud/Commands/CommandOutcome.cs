using System.Text.Json.Serialization;
using Iot.Cloud.Ingest;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Commands;

/// <summary>What became of a command, as far as the cloud knows.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CommandState>))]
public enum CommandState
{
    /// <summary>Published to the agent; no answer yet (已发送).</summary>
    Sent,

    /// <summary>The agent carried it out (已执行).</summary>
    CarriedOut,

    /// <summary>The agent refused it, saying why (被拒绝).</summary>
    Refused,

    /// <summary>No answer within <see cref="CommandOutcome.NoAnswerAfter"/> (无应答); a late answer still counts.</summary>
    NoAnswer,

    /// <summary>It never left the cloud: the broker was unreachable or refused it (未发送).</summary>
    NotSent,
}

/// <summary>
/// Derives a command's state from the command as issued and the agent's answers (<c>command_results</c>, joined by
/// agent and command id), never from a stored copy. Pure: no I/O, the clock is passed in.
/// </summary>
public static class CommandOutcome
{
    /// <summary>How long an agent has to answer before the command counts as unanswered.</summary>
    public static readonly TimeSpan NoAnswerAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The answer that counts: the first one stored. An agent answers a replayed or redelivered command id again
    /// ("carried out before"), and that later answer must not change what the first one said.
    /// </summary>
    public static CommandResultRecord? FirstAnswer(IEnumerable<CommandResultRecord> answers) =>
        answers.OrderBy(r => r.Id).FirstOrDefault();

    /// <summary>The state of <paramref name="command"/> at <paramref name="now"/>, given its first answer.</summary>
    public static CommandState StateOf(CommandRecord command, CommandResultRecord? firstAnswer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.NotSentReason is not null)
        {
            return CommandState.NotSent;
        }

        if (firstAnswer is not null)
        {
            return firstAnswer.Ok ? CommandState.CarriedOut : CommandState.Refused;
        }

        return now - command.IssuedAt >= NoAnswerAfter ? CommandState.NoAnswer : CommandState.Sent;
    }
}
