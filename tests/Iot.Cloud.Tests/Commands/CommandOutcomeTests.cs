using Iot.Cloud.Commands;
using Iot.Cloud.Data;
using Iot.Cloud.Ingest;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Tests.Commands;

/// <summary>A command's state comes from the command and the agent's first answer, on the clock it is given.</summary>
public sealed class CommandOutcomeTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 5, 5, 0, 0, TimeSpan.Zero);

    private static CommandRecord Command(string? notSent = null) => new()
    {
        CommandId = "c1", Kind = CommandKind.RequestStatus, CourtyardId = CourtyardId.Parse("yikang-1"), AgentId = AgentId.Parse("yikang-1-a"), IssuedBy = "xinyu-li", Person = "李师傅",
        Reason = "查询设备状态", IssuedAt = Issued, NotSentReason = notSent,
    };

    private static CommandResultRecord Answer(long id, bool ok, string? error = null) =>
        new() { Id = id, AgentId = AgentId.Parse("yikang-1-a"), CommandId = "c1", Ok = ok, Error = error, At = Issued.AddSeconds(1), ReceivedAt = Issued.AddSeconds(1) };

    [Fact]
    public void A_command_without_an_answer_is_sent_until_30_seconds_have_passed_then_unanswered()
    {
        Assert.Equal(CommandState.Sent, CommandOutcome.StateOf(Command(), null, Issued));
        Assert.Equal(CommandState.Sent, CommandOutcome.StateOf(Command(), null, Issued.AddSeconds(29.999)));
        Assert.Equal(CommandState.NoAnswer, CommandOutcome.StateOf(Command(), null, Issued.AddSeconds(30)));
    }

    [Fact]
    public void An_answer_decides_even_when_it_comes_late()
    {
        Assert.Equal(CommandState.CarriedOut, CommandOutcome.StateOf(Command(), Answer(1, true), Issued.AddMinutes(10)));
        Assert.Equal(CommandState.Refused, CommandOutcome.StateOf(Command(), Answer(1, false, "no"), Issued.AddSeconds(1)));
    }

    [Fact]
    public void A_command_the_broker_did_not_take_is_not_sent_whatever_the_clock_says()
    {
        Assert.Equal(CommandState.NotSent, CommandOutcome.StateOf(Command("not connected"), null, Issued.AddHours(1)));
    }

    [Fact]
    public void The_first_answer_counts_and_a_replays_refusal_does_not_change_it()
    {
        var replayRefused = Answer(9, false, "refused: command c1 was carried out before; a command is never carried out twice");
        var first = CommandOutcome.FirstAnswer([replayRefused, Answer(4, true)]);
        Assert.Equal(4, first!.Id);
        Assert.Equal(CommandState.CarriedOut, CommandView.Of(Command(), first, Issued.AddMinutes(1)).State);
        Assert.Null(CommandOutcome.FirstAnswer([]));
    }

    [Theory]
    [InlineData("outlet 2 still reads 68.0 Cel; it cannot be reset until it is below 45.0 Cel", RefusalKind.StillHot, "68|45")]
    [InlineData("the smoke detector still alarms; it cannot be reset until the smoke is gone", RefusalKind.Smoke, "")]
    [InlineData("outlet 3 is locked out after a repeated trip; resets are refused for another 117 min 4 s", RefusalKind.LockedOut, "117")]
    [InlineData("outlet 1 cannot be reset while its sensing does not work (temperature probe: no fresh reading for 2 s)", RefusalKind.SensingFailed, "")]
    [InlineData("outlet 2 is not latched", RefusalKind.NotLatched, "")]
    [InlineData("charger-01 has no outlet 9", RefusalKind.NoSuchDevice, "")]
    [InlineData("no streetlight 'lamp-09' on this agent", RefusalKind.NoSuchDevice, "")]
    [InlineData("refused: command 8c1f was carried out before; a command is never carried out twice", RefusalKind.Repeated, "")]
    [InlineData("refused: issued 2026-12-05T04:00:00Z, more than 5 minutes from this agent's clock: a command is carried out only when fresh", RefusalKind.Stale, "")]
    [InlineData("refused: the command is for agent 'yikang-6-a', not 'yikang-1-a'", RefusalKind.Misaddressed, "")]
    [InlineData("refused: signed with key 'abc', which is not trusted here (trusted: def)", RefusalKind.Untrusted, "")]
    [InlineData("refused: unsigned: not a signed message (expected a JWS object with protected, payload and signature)", RefusalKind.Untrusted, "")]
    public void The_agents_known_refusals_are_recognised_with_their_figures(string error, RefusalKind kind, string values)
    {
        var refusal = AgentRefusal.Explain(error);
        Assert.NotNull(refusal);
        Assert.Equal(kind, refusal.Kind);
        Assert.Equal(values, string.Join('|', refusal.Values));
    }

    [Fact]
    public void An_unknown_refusal_is_kept_in_the_agents_words_only()
    {
        Assert.Null(AgentRefusal.Explain("the relay driver threw an I/O error"));
        var view = CommandView.Of(Command(), Answer(1, false, "the relay driver threw an I/O error"), Issued);
        Assert.Equal("the relay driver threw an I/O error", view.Error);
        Assert.Null(view.Refusal);
    }
}
