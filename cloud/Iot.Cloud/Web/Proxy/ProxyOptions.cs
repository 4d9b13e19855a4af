using System.Globalization;
using System.Net;
using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Web.Proxy;

/// <summary>
/// The TLS reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the cloud believes (section
/// <c>Web</c>). Both empty (the default): nobody is believed, and the client is whoever opened the connection.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Addresses of trusted proxies, e.g. <c>127.0.0.1</c> or <c>172.18.0.1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>172.18.0.0/16</c> (a compose network).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>True when at least one proxy or network is trusted.</summary>
    public bool TrustsAnyone => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>Checks every trusted proxy and network at start; each problem names its setting and gives an example.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new SettingProblems(WebOptions.Section);
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            var value = options.KnownProxies[i];
            problems.Require(IPAddress.TryParse(value?.Trim(), out _), Key(nameof(options.KnownProxies), i),
                $"'{value}' is not an IP address; give the proxy's address as the cloud sees it, e.g. 172.18.0.1 or ::1");
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            var value = options.KnownNetworks[i];
            problems.Require(IPNetwork.TryParse(value?.Trim(), out _), Key(nameof(options.KnownNetworks), i),
                $"'{value}' is not a network in CIDR form, e.g. 172.18.0.0/16 or fd00::/64");
        }

        return problems.Result;
    }

    private static string Key(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}:{index}");
}
