using System.Globalization;
using Iot.Cloud.Commands;
using Iot.Cloud.Web.Localization;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;
using Iot.Protocol.Validation;

namespace Iot.Cloud.Web.Commands;

/// <summary>
/// The commands shown on a page (a work order's, or a courtyard's recent ones) and how they are said: what was asked,
/// by whom and why, and what became of it. The page renders them; <c>wwwroot/js/commands.js</c> keeps them live with
/// the same words (<see cref="Texts"/>).
/// </summary>
/// <param name="Courtyard">The courtyard whose live events the page follows.</param>
/// <param name="WorkOrder">Only this order's commands, when set.</param>
/// <param name="Source">The API list to reload from after (re)connecting.</param>
/// <param name="Commands">The commands, newest first.</param>
/// <param name="Devices">Device names by <c>{agent}/{device}</c>.</param>
public sealed record CommandPanel(CourtyardId Courtyard, long? WorkOrder, string Source, IReadOnlyList<CommandView> Commands, IReadOnlyDictionary<string, string> Devices)
{
    /// <summary>The names of a courtyard's devices, by <c>{agent}/{device}</c>.</summary>
    public static IReadOnlyDictionary<string, string> DeviceNames(CourtyardManifest? courtyard) =>
        courtyard?.Agents.SelectMany(a => a.Devices.Select(d => (Key: $"{a.Id.Value}/{d.Id.Value}", d.Name))).ToDictionary(p => p.Key, p => p.Name)
        ?? new Dictionary<string, string>();

    public static string State(CommandState state, Lang lang)
    {
        ArgumentNullException.ThrowIfNull(lang);
        return state switch
        {
            CommandState.Sent => lang["Sent"],
            CommandState.CarriedOut => lang["Carried out"],
            CommandState.Refused => lang["Refused"],
            CommandState.NoAnswer => lang["No answer"],
            _ => lang["Not sent"],
        };
    }

    /// <summary>What was asked, e.g. "复位2号插座（车棚电动车充电站）".</summary>
    public string What(CommandView command, Lang lang)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(lang);
        var device = command.Device is { } d ? Devices.GetValueOrDefault($"{command.Agent}/{d}", d.Value) : command.Agent.Value;
        return command.Kind switch
        {
            CommandKind.ResetOutlet => lang.F("Reset outlet {0} ({1})", command.Outlet, device),
            CommandKind.SwitchLamp when command.On == true => lang.F("Lamp on for {0} min ({1})", command.ForMinutes, device),
            CommandKind.SwitchLamp => lang.F("Lamp off for {0} min ({1})", command.ForMinutes, device),
            _ => lang.F("Status requested ({0})", lang["Courtyard unit"]),
        };
    }

    /// <summary>The outcome in words: "被拒绝：温度仍为 68 °C，…", with the agent's own words kept beside it by the page.</summary>
    public static string Outcome(CommandView command, Lang lang)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(lang);
        return command.State switch
        {
            CommandState.Refused => lang.F("Refused: {0}", command.Refusal is { } r ? Explain(r, lang) : command.Error),
            CommandState.NoAnswer => lang["No answer within 30 s: the unit may be offline"],
            CommandState.NotSent => lang["Not sent: the message service could not be reached"],
            CommandState.CarriedOut => lang["Carried out by the unit"],
            _ => lang["Sent, waiting for the unit"],
        };
    }

    /// <summary>A refusal the cloud recognises, in the page language.</summary>
    public static string Explain(AgentRefusal refusal, Lang lang)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return string.Format(CultureInfo.CurrentCulture, Refusals(lang)[refusal.Kind], [.. refusal.Values]);
    }

    /// <summary>The texts commands.js needs, in the page language.</summary>
    public Dictionary<string, object> Texts(Lang lang)
    {
        ArgumentNullException.ThrowIfNull(lang);
        return new Dictionary<string, object>
        {
            ["state"] = Enum.GetValues<CommandState>().ToDictionary(WireNames.Of, s => State(s, lang)),
            ["outcome"] = Enum.GetValues<CommandState>().Where(s => s != CommandState.Refused).ToDictionary(WireNames.Of, s => Outcome(Sample(s), lang)),
            ["refused"] = lang["Refused: {0}"],
            ["refusal"] = Refusals(lang).ToDictionary(p => WireNames.Of(p.Key), p => p.Value),
            ["resetOutlet"] = lang["Reset outlet {0} ({1})"],
            ["lampOn"] = lang["Lamp on for {0} min ({1})"],
            ["lampOff"] = lang["Lamp off for {0} min ({1})"],
            ["requestStatus"] = lang["Status requested ({0})"],
            ["reason"] = lang["Reason: {0}"],
            ["said"] = lang["The unit's words:"],
            ["failed"] = lang["Could not send:"],
            ["devices"] = Devices,
            ["unit"] = lang["Courtyard unit"],

            // Checked in the page before sending, naming what is missing; the API checks the same again.
            ["missingChecklist"] = lang["Confirm every item of the inspection checklist first; not yet confirmed: {0}"],
            ["listSeparator"] = lang[", "],
            ["missingReason"] = lang["Give a reason: what was found on site and what was done."],
            ["outOfRange"] = lang["{0}: a whole number from {1} to {2}."],

            // The API's answers, by status and problem title, said in the page language.
            ["problems"] = new Dictionary<string, string>
            {
                ["Invalid checklist"] = lang["The inspection checklist is not complete."],
                ["Invalid reason"] = lang["Give a reason: what was found on site and what was done."],
                ["Invalid forMinutes"] = lang.F("The lamp can be switched for {0} to {1} minutes.", 1, MessageReader.MaxSwitchMinutes),
                ["Not possible now"] = lang["This order no longer has a cut-off outlet to reset (closed or cancelled?). Reload the page."],
                ["Not sent"] = lang["Not sent: the message service could not be reached. Try again in a moment."],
                ["401"] = lang["You are signed out. Sign in again."],
                ["403"] = lang["Your role may not send this command."],
                ["404"] = lang["There is nothing here, or it is not yours to see."],
            },
        };
    }

    private static Dictionary<RefusalKind, string> Refusals(Lang lang) => new()
    {
        [RefusalKind.StillHot] = lang["still {0} °C; it can be reset below {1} °C"],
        [RefusalKind.Smoke] = lang["the smoke detector still alarms"],
        [RefusalKind.LockedOut] = lang["locked out after a repeated trip, {0} min left"],
        [RefusalKind.SensingFailed] = lang["its safety sensors do not work"],
        [RefusalKind.NotLatched] = lang["the outlet is not cut off"],
        [RefusalKind.NoSuchDevice] = lang["the unit has no such device"],
        [RefusalKind.Repeated] = lang["this command was carried out before"],
        [RefusalKind.Stale] = lang["the command arrived too late"],
        [RefusalKind.Misaddressed] = lang["the command was addressed to another unit"],
        [RefusalKind.Untrusted] = lang["the unit did not trust the command's signature"],
    };

    private static CommandView Sample(CommandState state) =>
        new(0, string.Empty, CommandKind.RequestStatus, default, default, null, null, null, null, null, string.Empty, string.Empty, string.Empty, [], default, state, null, null, null, null);
}
