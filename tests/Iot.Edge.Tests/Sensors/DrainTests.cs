using Iot.Edge.Tests.Support;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Sensors;

public sealed class DrainTests
{
    [Fact]
    public void An_ultrasonic_drain_reports_level_as_mount_height_minus_distance()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("drain-01"));
        var drain = agent.Model.Drain("drain-01");
        drain.LevelCm = 12;
        agent.Run(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        drain.LevelCm = 14.37;                                  // 65.63 cm below the sensor: the kernel says 656 mm
        agent.Run(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

        // 80 cm mount. The kernel times the echo in its interrupt handler, so every reading is exact to its millimetre.
        var distances = agent.Readings("drain-01.distance").Select(r => r.Value).ToList();
        var levels = agent.Readings("drain-01.level").Select(r => r.Value).ToList();
        Assert.Equal(12, distances.Count);                      // every 5 s for a minute
        Assert.Equal([.. Enumerable.Repeat(68.0, 6), .. Enumerable.Repeat(65.6, 6)], distances);
        Assert.Equal([.. Enumerable.Repeat(12.0, 6), .. Enumerable.Repeat(14.4, 6)], levels);
        Assert.Equal(0, agent.Last("drain-01.float"));
        Assert.Empty(agent.Events());
    }

    [Fact]
    public void A_pressure_drain_converts_the_transmitter_voltage_to_kilopascals_and_centimetres()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("drain-02"));
        agent.Model.Drain("drain-02").LevelCm = 40;
        agent.Run(TimeSpan.FromSeconds(6));

        Assert.Equal(40 * 0.0980665, agent.Last("drain-02.pressure"), 0.005);
        Assert.Equal(40, agent.Last("drain-02.level"), 0.2);
    }

    [Fact]
    public void A_storm_raises_rapid_rise_then_high_water_and_it_clears_when_the_water_drains()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("drain-02"));
        var drain = agent.Model.Drain("drain-02");
        drain.LevelCm = 3;
        agent.Run(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));

        // 21:14: the storm breaks; the ditch rises 3 cm a minute.
        for (var minute = 0; minute < 10; minute++)
        {
            drain.LevelCm += 3;
            agent.Run(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        }

        var rise = Assert.Single(agent.Events(EventKind.DrainRapidRise));
        Assert.InRange(rise.Value!.Value, 2, 3.5);
        Assert.InRange(agent.Last("drain-02.rise-rate"), 2.5, 3.5);
        var high = Assert.Single(agent.Events(EventKind.DrainHighWater));   // over 30 cm for 30 s
        Assert.True(high.Value > 30);

        // The rain stops and the ditch runs off, 4 cm a minute.
        while (drain.LevelCm > 13)
        {
            drain.LevelCm -= 4;
            agent.Run(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        }

        var cleared = Assert.Single(agent.Events(EventKind.DrainHighWaterCleared));  // below 20 cm
        Assert.True(cleared.Value < 20);
        agent.Run(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
        Assert.True(agent.Last("drain-02.rise-rate") < 0);
    }

    [Fact]
    public void The_float_switch_reports_high_water_at_once_from_its_edge_callback()
    {
        using var agent = new AgentHarness(TestCourtyard.Only("drain-01"));
        var drain = agent.Model.Drain("drain-01");
        agent.Run(TimeSpan.FromSeconds(2));
        drain.LevelCm = 31;                                   // the float trips at 25 + 5 cm
        agent.Model.Advance(agent.Time.GetUtcNow());          // the physics moves; the agent has not sampled

        var high = Assert.Single(agent.Events(EventKind.DrainHighWater));
        Assert.Equal("float switch", high.Reason);
    }
}
