using System.Net.Http.Json;
using Iot.Cloud.Data;
using Iot.Cloud.Kernel;
using Iot.Cloud.Tests.Support;
using Iot.Cloud.WorkOrders;
using Iot.Protocol.Identifiers;
using Iot.Testing.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Assessment;

/// <summary>
/// The real cloud on a fake clock at 10:00 on 1 December 2026 in Kunming, with October's orders of 昆明电缆厂宿舍管理科
/// and November seeded so that each month is 不合格 whatever the committee says (the pages use October, the API November): two orders nobody acknowledged (overdue share 1, 0 of 25
/// points on time), record 45 of 70, so at most 75 with the committee, and 45 with a committee score of 0.
/// </summary>
public sealed class AssessmentCloud : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    private readonly BrokerFixture _broker = new();

    public FakeTimeProvider Clock { get; } = new(Now);

    public CloudHost Cloud { get; private set; } = null!;

    /// <summary>A client signed in as <paramref name="user"/>, reading pages in Chinese or English.</summary>
    public async Task<HttpClient> SignedInAsync(string user, bool english = false)
    {
        var client = Cloud.Anonymous();
        using var signIn = await client.PostAsJsonAsync("/api/session", new { userName = user, password = CloudHost.Password });
        signIn.EnsureSuccessStatusCode();
        if (english)
        {
            using var chosen = await client.GetAsync(new Uri("/lang/en?back=/dashboard", UriKind.Relative));
            chosen.EnsureSuccessStatusCode();
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        // The tests sign in often, as each person reads pages in their language.
        Cloud = await CloudHost.StartAsync(_broker.Port, _broker.NewFolder("cloud"), new Dictionary<string, string?> { ["Auth:SignInAttemptsPerMinute"] = "10000" }, clock: Clock);
        await Cloud.WaitReadyAsync();
        await using var scope = Cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        foreach (var (month, day) in new[] { (10, 10), (10, 20), (11, 10), (11, 20) })
        {
            var created = new DateTimeOffset(2026, month, day, 2, 0, 0, TimeSpan.Zero);
            db.WorkOrders.Add(new WorkOrder
            {
                Number = $"WO-seed-{month}-{day}", Source = WorkOrderSource.Staff, Status = WorkOrderStatus.New, CourtyardId = CourtyardId.Parse("yikang-6"), PartyId = "cable-works",
                Fault = "seed", Subject = $"yikang-6/seed-{month}-{day}", Target = "gate", Severity = Severity.Major, Title = "院门锁坏了", CreatedAt = created, CreatedBy = "test",
                AckDueAt = created.AddMinutes(60), FixDueAt = created.AddMinutes(1440),
            });
        }

        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedAssessmentCloud : ICollectionFixture<AssessmentCloud>
{
    public const string Name = "assessment cloud";
}
