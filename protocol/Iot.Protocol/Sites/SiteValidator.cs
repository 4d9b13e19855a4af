using System.Globalization;
using System.Text.RegularExpressions;

namespace Iot.Protocol.Sites;

/// <summary>
/// Checks a parsed site as a whole and returns every problem: duplicate ids, broken references, a courtyard
/// without a responsible party, unknown drivers, two parts on one GPIO pin or one I2C address, inverted
/// thresholds. A technician reads these, so each names the file, the JSON path and the fix.
/// </summary>
public static partial class SiteValidator
{
    /// <summary>Raspberry Pi 40-pin header GPIOs, BCM numbering.</summary>
    private const int MaxGpio = 27;

    /// <summary>GPIO 2 and 3 carry I2C bus 1 (SDA, SCL); GPIO 4 carries 1-Wire by default.</summary>
    private static readonly Dictionary<int, string> ReservedPins = new() { [2] = "I2C bus 1 SDA", [3] = "I2C bus 1 SCL", [4] = "the 1-Wire bus" };

    /// <summary>Validates a site file with its community files.</summary>
    public static IReadOnlyList<ManifestProblem> Validate(string siteFile, SiteManifest site, IReadOnlyList<(string File, CommunityManifest Community)> communities)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(communities);
        var problems = new List<ManifestProblem>();
        void Add(string file, string path, string reason) => problems.Add(new ManifestProblem(file, path, reason));

        // JSON lists may hold nulls whatever the model says; find them first, so the checks below can trust the model.
        foreach (var path in NullItems.In(site))
        {
            Add(siteFile, path, NullItems.Reason);
        }

        foreach (var (file, community) in communities)
        {
            foreach (var path in NullItems.In(community))
            {
                Add(file, path, NullItems.Reason);
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var parties = new Dictionary<Identifiers.PartyId, PartyManifest>();
        for (var i = 0; i < site.Parties.Count; i++)
        {
            if (!parties.TryAdd(site.Parties[i].Id, site.Parties[i]))
            {
                Add(siteFile, $"$.parties[{i}].id", $"duplicate party id '{site.Parties[i].Id}'");
            }

            foreach (var (severity, level) in site.Parties[i].ServiceLevels ?? new Dictionary<string, ServiceLevel>())
            {
                var path = $"$.parties[{i}].serviceLevels.{severity}";
                if (severity is not ("critical" or "major" or "minor" or "warning"))
                {
                    Add(siteFile, path, $"unknown severity '{severity}'; use critical, major, minor or warning");
                }
                else if (level is null || level.AckMinutes <= 0 || level.FixMinutes <= 0 || !double.IsFinite(level.AckMinutes) || !double.IsFinite(level.FixMinutes))
                {
                    Add(siteFile, path, "ackMinutes and fixMinutes must be positive numbers of minutes");
                }
                else if (level.AckMinutes > level.FixMinutes)
                {
                    Add(siteFile, path, $"acknowledging ({level.AckMinutes} min) cannot be due after fixing ({level.FixMinutes} min)");
                }
            }
        }

        if (site.CareServiceLevel is { } care && (care.AckMinutes <= 0 || care.FixMinutes <= 0 || !double.IsFinite(care.AckMinutes) || !double.IsFinite(care.FixMinutes) || care.AckMinutes > care.FixMinutes))
        {
            Add(siteFile, "$.careServiceLevel", "ackMinutes and fixMinutes must be positive numbers of minutes, acknowledging due no later than fixing");
        }

        if (site.Location.Lat is < -90 or > 90 || site.Location.Lon is < -180 or > 180)
        {
            Add(siteFile, "$.location", "latitude must be within ±90 and longitude within ±180 degrees");
        }

        if (!TimeZoneExists(site.TimeZone))
        {
            Add(siteFile, "$.timeZone", $"unknown time zone '{site.TimeZone}'; use an IANA name such as Asia/Shanghai");
        }

        var seenCommunities = new HashSet<Identifiers.CommunityId>();
        var seenBlocks = new Dictionary<Identifiers.BlockId, string>();
        var seenCourtyards = new Dictionary<Identifiers.CourtyardId, string>();
        var seenAgents = new Dictionary<Identifiers.AgentId, string>();
        foreach (var (file, community) in communities)
        {
            if (!seenCommunities.Add(community.Id))
            {
                Add(file, "$.id", $"community '{community.Id}' is defined in another file too");
            }

            CheckParty(community.ResidentsCommittee, PartyKind.ResidentsCommittee, "$.residentsCommittee", file);

            var blocks = new Dictionary<Identifiers.BlockId, BlockManifest>();
            for (var b = 0; b < community.Blocks.Count; b++)
            {
                var block = community.Blocks[b];
                if (!seenBlocks.TryAdd(block.Id, file))
                {
                    Add(file, $"$.blocks[{b}].id", $"duplicate block id '{block.Id}' (also in {seenBlocks[block.Id]})");
                }

                blocks.TryAdd(block.Id, block);
                if (block.PropertyCompany is { } company)
                {
                    CheckParty(company, PartyKind.PropertyCompany, $"$.blocks[{b}].propertyCompany", file);
                }
            }

            for (var c = 0; c < community.Courtyards.Count; c++)
            {
                var courtyard = community.Courtyards[c];
                var path = $"$.courtyards[{c}]";
                if (!seenCourtyards.TryAdd(courtyard.Id, file))
                {
                    Add(file, $"{path}.id", $"duplicate courtyard id '{courtyard.Id}' (also in {seenCourtyards[courtyard.Id]})");
                }

                if (!blocks.TryGetValue(courtyard.Block, out var block))
                {
                    Add(file, $"{path}.block", $"block '{courtyard.Block}' is not a block of community '{community.Id}'");
                }

                if (courtyard.Responsible is not { } responsible)
                {
                    Add(file, $"{path}.responsible", $"courtyard '{courtyard.Id}' ({courtyard.Name}) has no responsible party; name the property company, owning unit or residents' committee that answers for it");
                }
                else if (CheckParty(responsible, null, $"{path}.responsible", file) is { Kind: PartyKind.PropertyCompany } company
                    && block?.PropertyCompany is { } contracted && contracted != company.Id)
                {
                    Add(file, $"{path}.responsible", $"property company '{company.Id}' is not the company contracted for block '{block.Id}' ('{contracted}')");
                }

                if (courtyard.ElderlyAlone is < 0 || courtyard.ElderlyAlone > courtyard.Households)
                {
                    Add(file, $"{path}.elderlyAlone", $"elderlyAlone ({courtyard.ElderlyAlone}) counts households: at least 0 and at most the courtyard's {courtyard.Households} households");
                }

                CheckPlan(courtyard, file, path);
                for (var a = 0; a < courtyard.Agents.Count; a++)
                {
                    var agent = courtyard.Agents[a];
                    var agentPath = $"{path}.agents[{a}]";
                    if (!seenAgents.TryAdd(agent.Id, file))
                    {
                        Add(file, $"{agentPath}.id", $"duplicate agent id '{agent.Id}' (also in {seenAgents[agent.Id]})");
                    }

                    problems.AddRange(ValidateAgent(file, agentPath, agent));
                }
            }
        }

        return problems;

        PartyManifest? CheckParty(Identifiers.PartyId id, PartyKind? expected, string path, string file)
        {
            if (!parties.TryGetValue(id, out var party))
            {
                Add(file, path, $"party '{id}' is not defined in {siteFile}");
                return null;
            }

            if (expected is { } kind && party.Kind != kind)
            {
                Add(file, path, $"party '{id}' is a {Messages.WireNames.Of(party.Kind)}, not a {Messages.WireNames.Of(kind)}");
            }

            return party;
        }

        void CheckPlan(CourtyardManifest courtyard, string file, string path)
        {
            if (courtyard.Plan is not { } plan)
            {
                return;
            }

            if (plan.Width <= 0 || plan.Height <= 0)
            {
                Add(file, $"{path}.plan", "plan width and height must be positive (metres)");
            }

            foreach (var (agent, a) in courtyard.Agents.Select((x, i) => (x, i)))
            {
                foreach (var (device, d) in agent.Devices.Select((x, i) => (x, i)))
                {
                    if (device.At is { } at && (at.X < 0 || at.Y < 0 || at.X > plan.Width || at.Y > plan.Height))
                    {
                        Add(file, $"{path}.agents[{a}].devices[{d}].at", $"({at.X}, {at.Y}) lies outside the {plan.Width} × {plan.Height} m plan");
                    }
                }
            }
        }
    }

    /// <summary>Validates one agent: its devices, their parts, pins, addresses and thresholds.</summary>
    /// <param name="file">File name for messages.</param>
    /// <param name="path">JSON path of the agent within the file.</param>
    /// <param name="agent">The agent.</param>
    public static IReadOnlyList<ManifestProblem> ValidateAgent(string file, string path, AgentManifest agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var problems = new List<ManifestProblem>();
        void Add(string p, string reason) => problems.Add(new ManifestProblem(file, p, reason));

        foreach (var nullPath in NullItems.In(agent, path))
        {
            Add(nullPath, NullItems.Reason);
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        if (agent.Devices.Count == 0)
        {
            Add($"{path}.devices", $"agent '{agent.Id}' has no devices");
        }

        if (!double.IsFinite(agent.SampleSeconds) || agent.SampleSeconds < 0.1 || agent.SampleSeconds > 3600)
        {
            Add($"{path}.sampleSeconds", "must be between 0.1 and 3600 seconds");
        }

        var devices = new HashSet<Identifiers.DeviceId>();
        var pins = new Dictionary<int, string>();
        var i2c = new Dictionary<(int Bus, int Address), string>();
        var ctInputs = new Dictionary<(int Bus, int Address, int Channel), string>();
        var oneWire = new Dictionary<string, string>(StringComparer.Ordinal);
        var usesI2cBus1 = false;
        var usesOneWire = false;

        for (var d = 0; d < agent.Devices.Count; d++)
        {
            var device = agent.Devices[d];
            var devicePath = $"{path}.devices[{d}]";
            if (!devices.Add(device.Id))
            {
                Add($"{devicePath}.id", $"duplicate device id '{device.Id}' on agent '{agent.Id}'");
            }

            CheckRoles(device, devicePath);
            CheckThresholds(device, devicePath);
            for (var p = 0; p < device.Parts.Count; p++)
            {
                CheckWiring(device, device.Parts[p], $"{devicePath}.parts[{p}]");
            }
        }

        foreach (var (pin, owner) in pins)
        {
            if (ReservedPins.TryGetValue(pin, out var use) && ((pin is 2 or 3 && usesI2cBus1) || (pin == 4 && usesOneWire)))
            {
                Add(owner, $"GPIO {pin} carries {use} on this agent and cannot be used as a plain pin");
            }
        }

        return problems;

        void CheckRoles(DeviceManifest device, string devicePath)
        {
            var roles = DeviceCatalog.RolesOf(device.Kind);
            for (var p = 0; p < device.Parts.Count; p++)
            {
                var part = device.Parts[p];
                var partPath = $"{devicePath}.parts[{p}]";
                var role = roles.FirstOrDefault(r => r.Role == part.Role);
                if (role is null)
                {
                    Add($"{partPath}.role", $"a {Messages.WireNames.Of(device.Kind)} has no role '{part.Role}'; roles are {string.Join(", ", roles.Select(r => r.Role))}");
                    continue;
                }

                if (!DeviceCatalog.Drivers.ContainsKey(part.Driver))
                {
                    Add($"{partPath}.driver", $"unknown driver '{part.Driver}'; known drivers are {string.Join(", ", DeviceCatalog.Drivers.Keys)}");
                }
                else if (!role.Drivers.Contains(part.Driver))
                {
                    Add($"{partPath}.driver", $"driver '{part.Driver}' cannot serve as '{part.Role}'; use {string.Join(" or ", role.Drivers)}");
                }

                if (role.PerOutlet && part.Outlet is not (>= 1 and <= 16))
                {
                    Add($"{partPath}.outlet", $"'{part.Role}' of a charger needs its outlet number (1 to 16)");
                }
            }

            var outlets = device.Parts.Where(x => x.Outlet is not null).Select(x => x.Outlet!.Value).Distinct().Order().ToList();
            foreach (var role in roles)
            {
                var count = device.Parts.Count(x => x.Role == role.Role);
                if (role.Required && count == 0)
                {
                    Add($"{devicePath}.parts", $"a {Messages.WireNames.Of(device.Kind)} needs a '{role.Role}' part ({string.Join(" or ", role.Drivers)})");
                }

                if (role.PerOutlet)
                {
                    foreach (var outlet in outlets)
                    {
                        var n = device.Parts.Count(x => x.Role == role.Role && x.Outlet == outlet);
                        if (n != 1)
                        {
                            Add($"{devicePath}.parts", $"outlet {outlet} has {n} '{role.Role}' parts; it needs exactly one");
                        }
                    }
                }
                else if (count > 1)
                {
                    Add($"{devicePath}.parts", $"'{role.Role}' appears {count} times; a {Messages.WireNames.Of(device.Kind)} has one");
                }
            }
        }

        void CheckWiring(DeviceManifest device, PartManifest part, string partPath)
        {
            if (!DeviceCatalog.Drivers.TryGetValue(part.Driver, out var driver))
            {
                return;
            }

            var owner = $"{device.Id}/{part.Role}{(part.Outlet is { } o ? $"#{o}" : string.Empty)}";
            switch (driver.Attachment)
            {
                case Attachment.I2c:
                    var bus = part.Bus ?? 1;
                    if (bus is < 0 or > 22)
                    {
                        Add($"{partPath}.bus", $"I2C bus {bus} does not exist on a Raspberry Pi (use 1)");
                    }

                    usesI2cBus1 |= bus == 1;
                    if (!TryParseAddress(part.Address, out var address))
                    {
                        Add($"{partPath}.address", $"'{part.Address}' is not an I2C address; write it as i2cdetect shows it, 0x03 to 0x77");
                    }
                    else if (part.Driver == CtDriver)
                    {
                        CheckCurrentTransformer(part, partPath, owner, bus, address);
                    }
                    else if (!i2c.TryAdd((bus, address), owner))
                    {
                        Add($"{partPath}.address", $"I2C bus {bus} address {part.Address} is already used by {i2c[(bus, address)]}");
                    }

                    if (part.Driver == "ads1115" && part.Channel is not (>= 0 and <= 3))
                    {
                        Add($"{partPath}.channel", "an ADS1115 input channel is 0, 1, 2 or 3");
                    }

                    if (part.Driver == "ina219" && part.ShuntOhms is { } shunt && shunt is <= 0 or > 10)
                    {
                        Add($"{partPath}.shuntOhms", "the shunt resistance must be above 0 and at most 10 ohm");
                    }

                    break;
                case Attachment.GpioPin:
                    UsePin(part.Pin, $"{partPath}.pin", owner);
                    break;
                case Attachment.TriggerEcho:
                    UsePin(part.TriggerPin, $"{partPath}.triggerPin", owner);
                    UsePin(part.EchoPin, $"{partPath}.echoPin", owner);
                    if (part.MountHeightCm is not (> 0 and <= 1000))
                    {
                        Add($"{partPath}.mountHeightCm", "the sensor's height above the drain floor is needed, in cm (1 to 1000)");
                    }

                    break;
                case Attachment.OneWire:
                    usesOneWire = true;
                    if (part.OneWireId is null || !OneWireIdPattern().IsMatch(part.OneWireId))
                    {
                        Add($"{partPath}.oneWireId", $"'{part.OneWireId}' is not a 1-Wire id; it looks like 28-0316a2794eff (see /sys/bus/w1/devices)");
                    }
                    else if (!oneWire.TryAdd(part.OneWireId, owner))
                    {
                        Add($"{partPath}.oneWireId", $"1-Wire id {part.OneWireId} is already used by {oneWire[part.OneWireId]}");
                    }

                    break;
            }
        }

        // An ADS1115 has four inputs: current transformers may share a chip, one input each, but no other part may use it.
        void CheckCurrentTransformer(PartManifest part, string partPath, string owner, int bus, int address)
        {
            if (address is < 0x48 or > 0x4B)
            {
                Add($"{partPath}.address", $"an ADS1115 answers at 0x48, 0x49, 0x4a or 0x4b (ADDR to GND, VDD, SDA or SCL), not {part.Address}");
            }
            else if (i2c.TryGetValue((bus, address), out var other) && !ctInputs.ContainsKey((bus, address, -1)))
            {
                Add($"{partPath}.address", $"I2C bus {bus} address {part.Address} is already used by {other}");
            }
            else
            {
                i2c.TryAdd((bus, address), owner);
                ctInputs.TryAdd((bus, address, -1), owner);
                if (part.Channel is not (>= 0 and <= 3))
                {
                    Add($"{partPath}.channel", "a current transformer needs its ADS1115 input: channel 0, 1, 2 or 3");
                }
                else if (!ctInputs.TryAdd((bus, address, part.Channel.Value), owner))
                {
                    Add($"{partPath}.channel", $"input {part.Channel} of the ADS1115 at {part.Address} on bus {bus} already carries {ctInputs[(bus, address, part.Channel.Value)]}'s transformer");
                }
            }

            if (part.AmpsPerVolt is not { } rating || !double.IsFinite(rating) || rating is <= 0 or > 100)
            {
                Add($"{partPath}.ampsPerVolt", "a current transformer needs its rating in A per V of output, above 0 and at most 100 (5 for an SCT-013-005 or a ZMCT103C module set for 5 A; 30 for an SCT-013-030)");
            }

            if (part.ShuntOhms is not null || part.MaxCurrentA is not null)
            {
                Add(partPath, "shuntOhms and maxCurrentA belong to an INA219; a current transformer takes ampsPerVolt");
            }
        }

        void UsePin(int? pin, string pinPath, string owner)
        {
            if (pin is not { } p)
            {
                Add(pinPath, "a GPIO pin number (BCM) is needed");
            }
            else if (p is < 0 or > MaxGpio)
            {
                Add(pinPath, $"GPIO {p} is not on the Raspberry Pi header (BCM 0 to {MaxGpio})");
            }
            else if (!pins.TryAdd(p, pinPath))
            {
                Add(pinPath, $"GPIO {p} is already used at {pins[p]} on agent '{agent.Id}'");
            }
        }

        void CheckThresholds(DeviceManifest device, string devicePath)
        {
            if (device.Thresholds is null)
            {
                return;
            }

            var specs = DeviceCatalog.ThresholdsOf(device.Kind);
            foreach (var (name, t) in device.Thresholds)
            {
                var tPath = $"{devicePath}.thresholds.{name}";
                var spec = specs.FirstOrDefault(s => s.Name == name);
                if (spec is null)
                {
                    Add(tPath, $"a {Messages.WireNames.Of(device.Kind)} has no threshold '{name}'; it has {string.Join(", ", specs.Select(s => s.Name))}");
                    continue;
                }

                if (t.ForSeconds is { } seconds && (seconds < 0 || !double.IsFinite(seconds)))
                {
                    Add($"{tPath}.forSeconds", "must be zero or more seconds");
                }

                if (spec.Ceiling is { } ceiling)
                {
                    if (t.Above is { } high && high > ceiling.Above)
                    {
                        Add($"{tPath}.above", string.Create(CultureInfo.InvariantCulture,
                            $"is {high} {ceiling.Unit}; the safety ceiling compiled into the agent for '{name}' is {ceiling.Above} {ceiling.Unit}: configuration may make it stricter, never looser"));
                    }

                    if (t.ForSeconds is { } wait && wait > ceiling.ForSeconds)
                    {
                        Add($"{tPath}.forSeconds", string.Create(CultureInfo.InvariantCulture,
                            $"is {wait} s; the safety ceiling compiled into the agent for '{name}' is {ceiling.ForSeconds} s: configuration may make it stricter, never looser"));
                    }
                }

                switch (spec.Shape)
                {
                    case ThresholdShape.High when t.Above is not { } above || t.ClearBelow is not { } clear || t.Below is not null || t.ClearAbove is not null:
                        Add(tPath, $"'{name}' is a high threshold: give 'above' and 'clearBelow'");
                        break;
                    case ThresholdShape.High when t.ClearBelow > t.Above:
                        Add($"{tPath}.clearBelow", string.Create(CultureInfo.InvariantCulture, $"inverted threshold: clears below {t.ClearBelow} but raises above {t.Above}; 'clearBelow' must not exceed 'above'"));
                        break;
                    case ThresholdShape.Low when t.Below is not { } below || t.ClearAbove is not { } clearAbove || t.Above is not null || t.ClearBelow is not null:
                        Add(tPath, $"'{name}' is a low threshold: give 'below' and 'clearAbove'");
                        break;
                    case ThresholdShape.Low when t.ClearAbove < t.Below:
                        Add($"{tPath}.clearAbove", string.Create(CultureInfo.InvariantCulture, $"inverted threshold: clears above {t.ClearAbove} but raises below {t.Below}; 'clearAbove' must not be under 'below'"));
                        break;
                    case ThresholdShape.Duration when t.ForSeconds is null || t.Above is not null || t.Below is not null || t.ClearAbove is not null || t.ClearBelow is not null:
                        Add(tPath, $"'{name}' is a duration: give 'forSeconds' only");
                        break;
                }
            }
        }
    }

    private const string CtDriver = "ct-ads1115";

    private static bool TryParseAddress(string? text, out int address)
    {
        address = 0;
        return text is { Length: 4 } && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address)
            && address is >= 0x03 and <= 0x77;
    }

    private static bool TimeZoneExists(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    [GeneratedRegex("^[0-9a-f]{2}-[0-9a-f]{12}$")]
    private static partial Regex OneWireIdPattern();
}
