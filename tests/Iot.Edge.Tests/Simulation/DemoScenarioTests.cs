using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Simulation;

/// <summary>The demo's faults while someone watches (<c>Simulation:Demo</c>), on a fake clock.</summary>
public sealed class DemoScenarioTests
{
    private static readonly ScenarioOptions Demo = new() { Demo = true, FaultRate = 0, DemoFirstFaultSeconds = 60, DemoIntervalMinutes = 4 };

    [Fact]
    public void Faults_come_in_turn_gate_charger_drain_lamp_the_first_within_two_minutes_and_each_kind_moves_to_the_next_courtyard()
    {
        var first = TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01");
        var second = first with { Id = AgentId.Parse("test-2-a") };
        var demo = new DemoScenario(Demo, [first, second]);
        var clock = new FakeTimeProvider(AgentHarness.Evening);
        var start = clock.GetUtcNow();
        var played = new List<PlannedFault>();
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromMinutes(33); elapsed += TimeSpan.FromSeconds(1))
        {
            played.AddRange(demo.TakeDue(first.Id, clock.GetUtcNow()));
            played.AddRange(demo.TakeDue(second.Id, clock.GetUtcNow()));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(
            [DemoFault.GateForced, DemoFault.ChargerOverheating, DemoFault.DrainStorm, DemoFault.LampDarkAtNight,
             DemoFault.GateForced, DemoFault.ChargerOverheating, DemoFault.DrainStorm, DemoFault.LampDarkAtNight, DemoFault.GateForced],
            played.Select(f => f.Kind));
        Assert.InRange(played[0].Starts - start, TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.All(played.Skip(1).Zip(played), pair => Assert.Equal(TimeSpan.FromMinutes(4), pair.First.Starts - pair.Second.Starts));
        Assert.Equal([first.Id, first.Id, first.Id, first.Id, second.Id, second.Id, second.Id, second.Id, first.Id], played.Select(f => f.Agent));
        Assert.Equal(played.Count, played.Select(f => f.Number).Distinct().Count()); // each handed out once
    }

    [Fact]
    public void A_held_demo_plays_nothing_and_its_first_fault_comes_its_first_delay_after_the_release()
    {
        var agent = TestCourtyard.Only("gate-01");
        var demo = new DemoScenario(Demo, [agent]);
        var clock = new FakeTimeProvider(AgentHarness.Evening);
        demo.Hold();
        for (var i = 0; i < 600; i++)
        {
            Assert.Empty(demo.TakeDue(agent.Id, clock.GetUtcNow()));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        demo.Release();
        var released = clock.GetUtcNow();
        var played = new List<PlannedFault>();
        for (var i = 0; i <= 60; i++)
        {
            played.AddRange(demo.TakeDue(agent.Id, clock.GetUtcNow()));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = Assert.Single(played);
        Assert.Equal(released + TimeSpan.FromSeconds(60), first.Starts);
    }

    [Fact]
    public void A_fleet_without_a_kind_of_device_gets_the_next_kind_it_has()
    {
        var demo = new DemoScenario(Demo, [TestCourtyard.Only("gate-01")]);
        Assert.All(Enumerable.Range(0, 4), n => Assert.Equal(DemoFault.GateForced, demo.Plan(n, AgentHarness.Evening)!.Kind));
        Assert.Null(new DemoScenario(Demo, [TestCourtyard.Only()]).Plan(0, AgentHarness.Evening));
    }

    [Fact]
    public void By_day_a_demo_courtyard_shows_each_fault_through_the_agent_and_the_interlock_cuts_the_hot_outlet()
    {
        // 11:00 in Kunming: broad daylight, so the dark lamp needs this courtyard's sun moved on to night.
        var morning = new DateTimeOffset(2026, 11, 30, 11, 0, 0, TimeSpan.FromHours(8));
        var options = new ScenarioOptions { Demo = true, FaultRate = 0, DemoFirstFaultSeconds = 60, DemoIntervalMinutes = 5 };
        using var agent = new AgentHarness(TestCourtyard.Only("lamp-01", "gate-01", "drain-01", "charger-01"), start: morning, scenario: options,
            demo: manifest => new DemoScenario(options, [manifest]));

        agent.Run(TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(1)); // faults at 1, 6, 11 and 16 min

        Assert.Equal([DemoFault.GateForced, DemoFault.ChargerOverheating, DemoFault.DrainStorm, DemoFault.LampDarkAtNight], agent.Model.Played.Select(f => f.Kind));
        var forced = Assert.Single(agent.Events(EventKind.GateForced, "gate-01"));
        Assert.InRange(forced.At!.Value - morning, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1.1));
        Assert.Contains(agent.Events(EventKind.GateClosed, "gate-01"), e => e.At > forced.At);

        var burntOut = Assert.Single(agent.Events(EventKind.LampBurntOut, "lamp-01"));
        Assert.InRange(burntOut.At!.Value - morning, TimeSpan.FromMinutes(16), TimeSpan.FromMinutes(17));
        Assert.NotEqual(TimeSpan.Zero, agent.Model.Board.SunShift); // night here until a minute after the repair

        var cutOff = agent.Events(EventKind.ChargerCutOff, "charger-01");
        Assert.NotEmpty(cutOff);
        Assert.All(cutOff, e => Assert.Equal("overTemperature", e.Reason));
        Assert.False(agent.Model.Charger("charger-01").RelayOn(1)); // latched: a person resets it
        Assert.DoesNotContain(agent.Events(EventKind.ChargerCutOff), e => e.Reason == "smoke"); // cut before the smoke

        Assert.NotEmpty(agent.Events(EventKind.DrainHighWater, "drain-01"));
        Assert.True(agent.Readings("drain-01.level").Max(r => r.Value) > 25, "the storm raised the drain past its alarm level");

        agent.Run(TimeSpan.FromMinutes(13), TimeSpan.FromSeconds(2)); // the lamp is repaired at 31 min, the real sky back at 32
        Assert.Contains(agent.Events(EventKind.LampRecovered, "lamp-01"), e => e.At > burntOut.At);
        Assert.Equal(TimeSpan.Zero, agent.Model.Board.SunShift);
        Assert.NotEmpty(agent.Events(EventKind.DrainHighWaterCleared, "drain-01")); // the storm's water ran off
    }

    [Fact]
    public void Demo_settings_that_make_no_sense_are_refused_naming_the_setting()
    {
        var validator = new ScenarioOptionsValidator();
        Assert.True(validator.Validate(null, new ScenarioOptions { Demo = true }).Succeeded);
        var scripted = validator.Validate(null, new ScenarioOptions { Demo = true, Scripted = true });
        Assert.Contains("Simulation:Demo", scripted.FailureMessage, StringComparison.Ordinal);
        var interval = validator.Validate(null, new ScenarioOptions { Demo = true, DemoIntervalMinutes = 0 });
        Assert.Contains("Simulation:DemoIntervalMinutes", interval.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Simulation:DemoFirstFaultSeconds", validator.Validate(null, new ScenarioOptions { DemoFirstFaultSeconds = -1 }).FailureMessage, StringComparison.Ordinal);
    }
}
