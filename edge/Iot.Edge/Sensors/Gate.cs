using System.Device.Gpio;
using Iot.Edge.Outbox;
using Iot.Protocol.Messages;
using Iot.Protocol.Sites;

namespace Iot.Edge.Sensors;

/// <summary>
/// An access gate: a reed switch and, optionally, the lock's feedback contact, both on GPIO with edge
/// callbacks (a forced gate is reported the moment the reed opens, not at the next sample). Derived: opened,
/// closed, held open longer than <c>heldOpen</c>, forced (opened while the lock reports locked).
/// </summary>
public sealed class Gate : CourtyardDevice
{
    private readonly int _reedPin;
    private readonly bool _reedActiveLow;
    private readonly int? _lockPin;
    private readonly bool _lockActiveLow;
    private readonly TimeSpan _heldOpen;
    private readonly PinChangeEventHandler _onReed;
    private bool _open;
    private TimeSpan _openedAt;
    private bool _heldReported;

    /// <summary>Opens the pins and registers the edge callbacks.</summary>
    public Gate(DeviceManifest manifest, DeviceContext context)
        : base(manifest, context)
    {
        var reed = Part("reed");
        _reedPin = reed.Pin!.Value;
        _reedActiveLow = reed.ActiveLow ?? false;
        var lockPart = OptionalPart("lock");
        _lockPin = lockPart?.Pin;
        _lockActiveLow = lockPart?.ActiveLow ?? false;
        _heldOpen = TimeSpan.FromSeconds(ThresholdOf("heldOpen").ForSeconds ?? 120);
        var gpio = context.Board.Gpio;
        Parts.OpenInput(gpio, _reedPin);
        if (_lockPin is { } lockPin)
        {
            Parts.OpenInput(gpio, lockPin);
        }

        _open = Parts.IsActive(gpio, _reedPin, _reedActiveLow);
        _openedAt = context.Monotonic;
        _onReed = (_, e) => ReedChanged(Parts.IsActive(e.ChangeType, _reedActiveLow));
        gpio.RegisterCallbackForPinValueChangedEvent(_reedPin, PinEventTypes.Rising | PinEventTypes.Falling, _onReed);
    }

    /// <summary>Whether the gate is open as last reported by the reed switch.</summary>
    public bool IsOpen
    {
        get
        {
            lock (Gate)
            {
                return _open;
            }
        }
    }

    /// <inheritdoc />
    public override void Sample()
    {
        lock (Gate)
        {
            Context.Sink.Reading(Sensor("contact"), Quantity.Contact, _open ? 1 : 0);
            if (_lockPin is { } lockPin)
            {
                Context.Sink.Reading(Sensor("locked"), Quantity.Locked, Parts.IsActive(Context.Board.Gpio, lockPin, _lockActiveLow) ? 1 : 0);
            }
        }
    }

    /// <inheritdoc />
    public override void Tick()
    {
        lock (Gate)
        {
            var openFor = Context.Monotonic - _openedAt;
            if (_open && !_heldReported && openFor >= _heldOpen)
            {
                _heldReported = true;
                Context.Sink.Report(EventKind.GateHeldOpen, Id, Math.Round(openFor.TotalSeconds));
            }
        }
    }

    private void ReedChanged(bool open)
    {
        lock (Gate)
        {
            if (open == _open)
            {
                return;
            }

            _open = open;
            if (!open)
            {
                Context.Sink.Report(EventKind.GateClosed, Id);
                return;
            }

            _openedAt = Context.Monotonic;
            _heldReported = false;
            // The lock is read at the instant the reed opens: a resident's card releases it first.
            var locked = _lockPin is { } lockPin && Parts.IsActive(Context.Board.Gpio, lockPin, _lockActiveLow);
            if (locked)
            {
                Context.Sink.Report(EventKind.GateForced, Id);
            }

            Context.Sink.Report(EventKind.GateOpened, Id);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Context.Board.Gpio.UnregisterCallbackForPinValueChangedEvent(_reedPin, _onReed);
        }

        base.Dispose(disposing);
    }
}
