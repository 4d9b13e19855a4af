using System.Net;
using System.Net.Http.Json;
using Iot.Cloud.Auth;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Tests.Auth;

/// <summary>
/// Failed sign-ins slow the next attempts instead of locking the account: the street admin's user name is public, and
/// a lockout would let anyone keep the street office out. Time is a fake clock moved by the answers' Retry-After.
/// </summary>
public sealed class SignInDelayTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private const string Attacker = "203.0.113.66";

    private const string Office = "198.51.100.5";

    [Fact]
    public async Task An_attackers_fifty_wrong_passwords_do_not_keep_the_street_office_out()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Auth:SignInAttemptsPerMinute"] = "10000",
            ["Web:KnownProxies:0"] = "127.0.0.1",
        }, clock: clock, kestrel: true);
        using var http = cloud.Anonymous(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var longest = TimeSpan.Zero;
        for (var guess = 0; guess < 50;)
        {
            using var answer = await SignInAsync(http, Attacker, $"guess-number-{guess}");
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = answer.Headers.RetryAfter!.Delta!.Value;
                longest = wait > longest ? wait : longest;
                clock.Advance(wait);
                continue;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            guess++;
        }

        // The attacker's own waits grew, up to the minute.
        Assert.Equal(TimeSpan.FromMinutes(1), longest);
        using (var early = await SignInAsync(http, Attacker, "guess-number-50"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
            Assert.Contains("wait 60 s", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The street office, from its own address: one short wait at most, then in, though the attacker goes on.
        using var first = await SignInAsync(http, Office, CloudHost.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        var ticket = first.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(ticket, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        clock.Advance(ticket);
        using (var meanwhile = await SignInAsync(http, Attacker, "guess-number-51"))
        {
            Assert.NotEqual(HttpStatusCode.OK, meanwhile.StatusCode);
        }

        using (var office = await SignInAsync(http, Office, CloudHost.Password))
        {
            Assert.True(office.StatusCode == HttpStatusCode.OK, await office.Content.ReadAsStringAsync());
        }

        // No lockout is left behind: even from the attacker's address the right password works once its wait is served.
        clock.Advance(TimeSpan.FromMinutes(1));
        using (var right = await SignInAsync(http, Attacker, CloudHost.Password))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
    }

    [Fact]
    public async Task The_sign_in_page_says_how_long_to_wait_in_the_persons_language()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), new Dictionary<string, string?>
        {
            ["Auth:SignInAttemptsPerMinute"] = "10000",
            ["Auth:SignInDelays:FreeFailures"] = "2",
        }, clock: clock);
        using var page = cloud.Anonymous(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = await AntiforgeryTokenAsync(page);
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await page.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["userName"] = "xinyu-li", ["password"] = $"not-the-password-{i}", ["__RequestVerificationToken"] = token,
            }));
        }

        using (last)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
            Assert.NotNull(last.Headers.RetryAfter);
            Assert.Contains("密码错误次数太多。请等 1 秒后再登录。", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Waits_double_per_failure_up_to_the_cap_and_are_forgotten_after_a_quiet_while()
    {
        var clock = new FakeTimeProvider();
        var delays = new SignInDelays(clock, Options.Create(new SignInDelayOptions { FreeFailures = 3, FreeFailuresPerAddress = 1000 }));
        var waits = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            clock.Advance(delays.Wait("street-chen", Attacker));
            delays.Failed("street-chen", Attacker);
            waits.Add(delays.Wait("street-chen", Attacker).TotalSeconds);
        }

        Assert.Equal(new double[] { 0, 0, 1, 2, 4, 8, 16, 32, 60, 60 }, waits);

        // Another address waits once, at most the account cap, and is then heard.
        Assert.Equal(TimeSpan.FromSeconds(30), delays.Wait("STREET-CHEN", Office));
        clock.Advance(TimeSpan.FromSeconds(30));
        delays.Failed("street-chen", Attacker);
        Assert.Equal(TimeSpan.Zero, delays.Wait("street-chen", Office));

        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(TimeSpan.Zero, delays.Wait("street-chen", Attacker));
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string from, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(new { userName = CloudHost.StreetAdmin, password }) };
        request.Headers.Add("X-Forwarded-For", from);
        return await http.SendAsync(request);
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient page)
    {
        var html = await page.GetStringAsync(new Uri("/login", UriKind.Relative));
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "no antiforgery token on the sign-in page");
        return match.Groups[1].Value;
    }
}
