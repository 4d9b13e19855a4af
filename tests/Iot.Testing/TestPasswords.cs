namespace Iot.Testing;

/// <summary>What passwords cost in the cloud hosts the tests start in their own process.</summary>
public static class TestPasswords
{
    /// <summary>
    /// PBKDF2 rounds of the passwords test hosts store and check. At the production cost (100,000 rounds of
    /// HMAC-SHA512, about 75 ms here) seeding the eight demo accounts and signing in took a sixth of an authorization
    /// test's processor time. The hash is the same algorithm and format, so what the tests check does not change;
    /// <c>Iot.Cloud.Tests</c>' <c>PasswordHashTests</c> checks the production cost.
    /// </summary>
    public const int HashIterations = 1_000;
}
