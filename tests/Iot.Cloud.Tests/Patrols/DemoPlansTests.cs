using System.Net.Http.Json;
using Iot.Cloud.Patrols;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Patrols;

/// <summary>./run.sh's demo: every block of the sample site gets a weekly plan with the whole checklist, once.</summary>
public sealed class DemoPlansTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => broker.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_demo_gives_every_block_a_weekly_plan_and_keeps_a_plan_it_finds()
    {
        var data = broker.NewFolder("cloud");
        var settings = new Dictionary<string, string?> { ["Demo:SeedPatrolPlans"] = "true" };
        await using (var cloud = await CloudHost.StartAsync(broker.Port, data, settings))
        {
            await cloud.WaitReadyAsync();
            await CloudHost.WaitUntilAsync(async () => (await cloud.GetAsync<List<PlanView>>("/api/patrols/plans")).Count == 6, "six blocks planned");
            var plans = await cloud.GetAsync<List<PlanView>>("/api/patrols/plans");
            Assert.All(plans, p => Assert.Equal((PatrolFrequency.Weekly, PatrolItems.Default.Count), (p.Frequency, p.Items.Count)));
            Assert.Equal(115, plans.Sum(p => p.Courtyards.Count));
            using var committee = await cloud.ClientAsync("yikang-zhang");
            (await committee.PutAsJsonAsync("/api/patrols/plans/yikang-north", new { frequency = "daily", courtyards = new[] { "yikang-1" }, items = new[] { "flying-wire" } })).EnsureSuccessStatusCode();
        }

        // Started again on the same data: the committee's plan stays.
        await using var again = await CloudHost.StartAsync(broker.Port, data, settings);
        await again.WaitReadyAsync();
        var north = (await again.GetAsync<List<PlanView>>("/api/patrols/plans")).Single(p => p.Block == "yikang-north");
        Assert.Equal((PatrolFrequency.Daily, 1), (north.Frequency, north.Courtyards.Count));
    }
}
