using System.Net;
using Iot.Cloud.Auth;

namespace Iot.Cloud.Tests.Auth;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:abcd:ef01:2345:6789", "2001:db8:1:2::/64")]
    [InlineData("fe80::1%3", "fe80::/64")]
    public void An_address_counts_as_itself_and_IPv6_as_its_64(string address, string key) =>
        Assert.Equal(key, ClientAddress.Key(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_one_unknown_client() => Assert.Equal("unknown", ClientAddress.Key(null));
}
