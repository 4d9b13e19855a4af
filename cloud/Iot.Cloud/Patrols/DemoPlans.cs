using Iot.Cloud.Auth;
using Iot.Cloud.Data;
using Iot.Cloud.Sites;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Patrols;

/// <summary>
/// With <c>Demo:SeedPatrolPlans=true</c> (./run.sh) every block of the site gets a weekly plan walking all its
/// courtyards with the whole checklist, made by the street office at the first start, so that the demo's patrol pages
/// and record have rounds due. A block that has a plan keeps it.
/// </summary>
public sealed class DemoPlans(IServiceScopeFactory scopes, IOptions<DemoOptions> options, SiteRegistry registry) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedPatrolPlans)
        {
            return;
        }

        var site = (registry.Current ?? await LoadedAsync(stoppingToken)).Site;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var patrols = scope.ServiceProvider.GetRequiredService<PatrolService>();
        var planned = await db.PatrolPlans.Select(p => p.BlockId).ToListAsync(stoppingToken);
        foreach (var community in site.Communities)
        {
            foreach (var block in community.Blocks.Where(b => !planned.Contains(b.Id.Value)))
            {
                var courtyards = community.Courtyards.Where(c => c.Block == block.Id).Select(c => c.Id.Value).ToList();
                if (courtyards.Count > 0)
                {
                    await patrols.SavePlanAsync(db, AccessScope.Everything, block.Id.Value, new PlanRequest(PatrolFrequency.Weekly, courtyards, PatrolItems.Default), stoppingToken);
                }
            }
        }
    }

    // The site sync loads the registry at start; should it not have yet, the plans wait for it.
    private async Task<RegistrySnapshot> LoadedAsync(CancellationToken cancellationToken)
    {
        var loaded = new TaskCompletionSource<RegistrySnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(RegistrySnapshot snapshot) => loaded.TrySetResult(snapshot);
        registry.Changed += OnChanged;
        try
        {
            if (registry.Current is { } current)
            {
                return current;
            }

            await using var cancel = cancellationToken.Register(() => loaded.TrySetCanceled(cancellationToken));
            return await loaded.Task;
        }
        finally
        {
            registry.Changed -= OnChanged;
        }
    }
}
