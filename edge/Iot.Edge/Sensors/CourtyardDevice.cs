using Iot.Protocol.Identifiers;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>One courtyard device on its drivers: sampled for telemetry, ticked for time-based checks.</summary>
public abstract class CourtyardDevice(DeviceManifest manifest, DeviceContext context) : IDisposable
{
    /// <summary>Guards the device's state against GPIO callbacks arriving on other threads.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The device's manifest.</summary>
    public DeviceManifest Manifest { get; } = manifest;

    /// <summary>The device id.</summary>
    public DeviceId Id => Manifest.Id;

    /// <summary>The agent's services.</summary>
    protected DeviceContext Context { get; } = context;

    /// <summary>Parts that could not be opened when the device was built (it keeps trying); empty when all opened.</summary>
    public virtual IReadOnlyList<string> OpenProblems => [];

    /// <summary>Reads every sensor and reports readings (and events the readings imply).</summary>
    public abstract void Sample();

    /// <summary>Checks what depends on time passing (held-open gates, schedules); called several times a second.</summary>
    public virtual void Tick()
    {
    }

    /// <summary>The sensor id of <paramref name="signal"/> on this device.</summary>
    protected SensorId Sensor(string signal) => SensorId.Of(Id, signal);

    /// <summary>The threshold <paramref name="name"/>, from the manifest or the catalogue's default.</summary>
    protected Threshold ThresholdOf(string name) => DeviceCatalog.ThresholdOf(Manifest, name);

    /// <summary>The part playing <paramref name="role"/>.</summary>
    protected PartManifest Part(string role) => Manifest.Parts.First(p => p.Role == role);

    /// <summary>The part playing <paramref name="role"/>, if fitted.</summary>
    protected PartManifest? OptionalPart(string role) => Manifest.Parts.FirstOrDefault(p => p.Role == role);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases drivers and pins.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
