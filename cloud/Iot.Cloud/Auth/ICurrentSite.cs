using Iot.Protocol.Sites;

namespace Iot.Cloud.Auth;

/// <summary>
/// The site as loaded now: who answers for which courtyard, which parties and communities there are. Scope and
/// account checks read it; the site registry (Sites) provides it.
/// </summary>
public interface ICurrentSite
{
    /// <summary>The site, or null before the manifests were first loaded.</summary>
    Site? Site { get; }
}
