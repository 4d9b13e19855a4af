using System.Collections.Concurrent;
using System.Diagnostics;
using Iot.Bench.Support;
using Iot.Cloud.Data;
using Iot.Cloud.Notifications;
using Iot.Cloud.Notifications.Channels;
using Iot.Cloud.Sites;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Bench.Notify;

/// <summary>
/// Outbox commit → message handed to the channel: rows are written and committed as the notification stage writes them
/// (one transaction, then the dispatcher is woken), at a steady rate spread over many channels, with one channel that
/// never answers; a loopback receiver stamps each message's arrival. The real dispatcher, claim, resilience pipeline and
/// signed webhook sender; SQLite. What it leaves out: the rules and alert stages before the outbox (see `latency`).
/// </summary>
public static class NotifyLatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Options.Number(args, "--rate", 200);
        var seconds = Options.Number(args, "--seconds", 20);
        var channels = Options.Number(args, "--channels", 20);
        var file = Path.Combine(Path.GetTempPath(), $"iot-notify-bench-{Guid.NewGuid():N}.db");
        var committed = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();

        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook/{party}", async (string party, HttpRequest request, CancellationToken ct) =>
        {
            if (party == "dead")
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            var now = Stopwatch.GetTimestamp();
            if (committed.TryGetValue(request.Headers[WebhookSender.MessageIdHeader].ToString(), out var at))
            {
                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            }

            return Results.Ok();
        });
        await receiver.StartAsync();
        var address = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var settings = new Dictionary<string, string?> { ["Webhooks:Timeout"] = "00:00:05" };
        foreach (var party in Enumerable.Range(0, channels).Select(i => $"p{i}").Append("dead"))
        {
            settings[$"Webhooks:Channels:{party}:Kind"] = "Webhook";
            settings[$"Webhooks:Channels:{party}:Party"] = party;
            settings[$"Webhooks:Channels:{party}:Url"] = $"{address}/hook/{party}";
            settings[$"Webhooks:Channels:{party}:Secret"] = "bench-secret";
        }

        var options = new DbContextOptionsBuilder<SqliteCloudDb>().UseSqlite($"Data Source={file}").Options;
        await using (var db = new SqliteCloudDb(options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddScoped<CloudDb>(_ => new SqliteCloudDb(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new SiteRegistry());
        builder.AddNotifications();
        using var host = builder.Build();
        await host.StartAsync();
        var dispatcher = host.Services.GetRequiredService<WebhookDispatcher>();

        var total = rate * seconds;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            // Paced: message i is due at i / rate seconds.
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var party = i % 50 == 0 ? "dead" : $"p{i % channels}";
            await using var db = new SqliteCloudDb(options);
            var id = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            db.Notifications.Add(new Notification
            {
                MessageId = id, PartyId = party, Channel = party, ChannelKind = ChannelKind.Webhook, Kind = "alert.raised", Severity = Iot.Cloud.Kernel.Severity.Critical,
                Body = $$"""{"kind":"alert.raised","n":{{i}}}""", Text = "bench", CreatedAt = now, NextAttemptAt = now,
            });
            await db.SaveChangesAsync();
            committed[id.ToString()] = Stopwatch.GetTimestamp();
            dispatcher.Wake();
        }

        var live = total - (total + 49) / 50;
        var deadline = Stopwatch.GetTimestamp();
        while (latencies.Count < live && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await host.StopAsync(stop.Token);
        }

        await receiver.StopAsync();
        File.Delete(file);
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"Notification latency, {DateTime.UtcNow:yyyy-MM-dd}, {Machine.Describe()}; SQLite, outbox commit → request at a loopback webhook, signed, {channels} channels plus one that never answers (every 50th message).");
        Console.WriteLine();
        Console.WriteLine("| offered messages/s | seconds | delivered / expected | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {rate} | {seconds} | {sorted.Length} / {live} | {P(0.50):F1} | {P(0.95):F1} | {P(0.99):F1} | {(sorted.Length == 0 ? double.NaN : sorted[^1]):F1} |");
        return sorted.Length == live ? 0 : 1;
    }
}
