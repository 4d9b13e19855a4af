using Iot.Cloud.Sites;
using Iot.Cloud.Tests.Support;
using Iot.Protocol.Identifiers;
using Iot.Testing;
using Iot.Testing.Services;

namespace Iot.Cloud.Tests.Sites;

/// <summary>The manifests are loaded at start, browsable through the API, and re-synced when they change; bad edits are refused whole.</summary>
public sealed class RegistrySyncTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private readonly string _data = broker.NewFolder("cloud");
    private readonly string _site = broker.NewFolder("site");

    private string Yikang => Path.Combine(_site, "communities", "yikang-road.json");

    public async Task InitializeAsync()
    {
        // No cloud session or retained config of an earlier test reaches this one's cloud.
        await broker.ResetAsync();
        Directory.CreateDirectory(Path.Combine(_site, "communities"));
        foreach (var file in Directory.GetFiles(RepoPaths.SampleSite, "*.json", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(_site, Path.GetRelativePath(RepoPaths.SampleSite, file)));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // The cloud polls the folder: an edit lands whole (write aside, then rename), never half-written.
    private static void Edit(string file, string from, string to)
    {
        var aside = file + ".edit";
        File.WriteAllText(aside, File.ReadAllText(file).Replace(from, to, StringComparison.Ordinal));
        File.Move(aside, file, overwrite: true);
    }

    [Fact]
    public async Task The_site_tree_is_browsable_with_each_courtyards_responsible_party()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?> { ["Sites:Folder"] = _site });
        await cloud.WaitReadyAsync();

        var site = await cloud.GetAsync<SiteView>("/api/site");
        Assert.Equal("永昌街道", site.Name);
        Assert.Equal(3, site.Communities.Count);
        Assert.Equal(45, site.Communities.Single(c => c.Id == "yikang-road").Blocks.Sum(b => b.Courtyards));

        var community = await cloud.GetAsync<CommunityView>("/api/communities/yikang-road");
        Assert.Equal(17, community.Courtyards.Count(c => c.Responsible != "xinyu-property"));

        var courtyard = await cloud.GetAsync<CourtyardView>("/api/courtyards/yikang-1");
        Assert.Equal("xinyu-property", courtyard.Responsible.Id);
        Assert.Equal("propertyCompany", courtyard.Responsible.Kind);
        Assert.Contains(courtyard.Devices, d => d.Kind == "streetlight");
        Assert.Equal("yikang-1-a", Assert.Single(courtyard.Agents).Id.Value);

        var owned = await cloud.GetAsync<List<CourtyardSummary>>("/api/courtyards?party=cable-works");
        Assert.NotEmpty(owned);
        Assert.All(owned, c => Assert.Equal("cable-works", c.Responsible));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await cloud.Http.GetAsync(new Uri("/api/courtyards/nowhere", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_bad_edit_is_refused_with_its_problems_and_the_last_good_site_stays()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?> { ["Sites:Folder"] = _site });
        await cloud.WaitReadyAsync();
        var sync = cloud.Get<SiteSync>();

        Edit(Yikang, "\"responsible\": \"xinyu-property\"", "\"responsible\": \"nobody\"");
        await sync.SyncAsync(CancellationToken.None);

        var site = await cloud.GetAsync<SiteView>("/api/site");
        Assert.Contains(site.ManifestProblems, p => p.Contains("communities/yikang-road.json: $.courtyards[0].responsible: party 'nobody' is not defined", StringComparison.Ordinal));
        Assert.Equal("xinyu-property", (await cloud.GetAsync<CourtyardView>("/api/courtyards/yikang-1")).Responsible.Id);
    }

    [Fact]
    public async Task A_good_edit_is_synced_without_a_restart()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, _data, new Dictionary<string, string?> { ["Sites:Folder"] = _site });
        await cloud.WaitReadyAsync();

        Edit(Yikang, "\"name\": \"益康路1号院\"", "\"name\": \"益康路1号院（改名）\"");
        await cloud.Get<SiteSync>().SyncAsync(CancellationToken.None);

        Assert.Equal("益康路1号院（改名）", (await cloud.GetAsync<CourtyardView>("/api/courtyards/yikang-1")).Name);
        Assert.Empty((await cloud.GetAsync<SiteView>("/api/site")).ManifestProblems);
    }
}
