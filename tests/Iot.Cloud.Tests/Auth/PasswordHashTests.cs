using System.Buffers.Binary;
using Iot.Cloud.Data;
using Iot.Cloud.Tests.Support;
using Iot.Testing.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Tests.Auth;

/// <summary>
/// Passwords are stored as the cloud stores them in production, whatever cost the other tests use
/// (<see cref="Iot.Testing.TestPasswords.HashIterations"/>): ASP.NET Core Identity's format 3, PBKDF2 with HMAC-SHA512 and at least
/// 100,000 iterations, a salt of its own per account.
/// </summary>
public sealed class PasswordHashTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_stored_password_is_PBKDF2_HMAC_SHA512_at_100000_iterations_or_more_with_its_own_salt()
    {
        await using var cloud = await CloudHost.StartAsync(broker.Port, broker.NewFolder("cloud"), productionPasswordHashing: true);
        await cloud.WaitReadyAsync();

        await using var scope = cloud.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CloudDb>();
        var hashes = await db.Users.Select(u => u.PasswordHash!).ToListAsync();
        Assert.True(hashes.Count >= 2, "the demo accounts should be seeded");
        foreach (var stored in hashes)
        {
            var hash = Convert.FromBase64String(stored);
            Assert.Equal(0x01, hash[0]); // format 3
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))); // HMAC-SHA512
            Assert.True(BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)) >= 100_000, "PBKDF2 iterations");
            Assert.True(BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9)) >= 16, "salt length");
        }

        // The demo accounts share a password, and still no two hashes are alike: each has its own salt.
        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }
}
