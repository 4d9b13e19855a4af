using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Support;

/// <summary>A real HTTP endpoint on loopback standing in for a group-chat bot: records what it is sent, and can be told to fail.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Party, string Body)> Received { get; } = new();

    /// <summary>While true, every post is answered 503.</summary>
    public bool Failing { get; set; }

    private int _refused;

    /// <summary>Posts answered with a failure.</summary>
    public int Refused => _refused;

    public Uri Url(string party) => new($"{_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/hook/{party}");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook/{party}", async (string party, HttpRequest request) =>
        {
            if (receiver.Failing)
            {
                Interlocked.Increment(ref receiver._refused);
                return Results.StatusCode(503);
            }

            using var reader = new StreamReader(request.Body);
            receiver.Received.Enqueue((party, await reader.ReadToEndAsync()));
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
