using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>Builds the device of a manifest entry on its drivers.</summary>
public static class DeviceFactory
{
    /// <summary>Opens <paramref name="manifest"/>'s device.</summary>
    public static CourtyardDevice Create(DeviceManifest manifest, DeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Kind switch
        {
            DeviceKind.Streetlight => new Streetlight(manifest, context),
            DeviceKind.Gate => new Gate(manifest, context),
            DeviceKind.Drain => new Drain(manifest, context),
            _ => new Charger(manifest, context),
        };
    }
}
