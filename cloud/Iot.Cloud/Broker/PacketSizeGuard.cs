using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Iot.Cloud.Broker;

/// <summary>
/// A client connection that ends as soon as a packet's fixed header announces more than <paramref name="maxBytes"/>.
/// MQTTnet's server has no packet size limit and allocates a packet's whole body (up to 256 MB) before reading it, so
/// the limit is applied here, on the bytes as they arrive, before MQTTnet sees the length.
/// </summary>
internal sealed class PacketSizeGuard(IMqttChannel inner, int maxBytes, Action<long> refused) : IMqttChannel
{
    private State _state = State.Type;
    private long _length;
    private int _lengthBytes;
    private long _bodyLeft;
    private bool _closed;

    private enum State
    {
        Type,
        Length,
        Body,
    }

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer, offset, count, cancellationToken);

        // An oversized packet reads as the end of the connection: MQTTnet closes it without allocating the body.
        if (Scan(buffer.AsSpan(offset, read)) is { } announced)
        {
            _closed = true;
            refused(announced);
            return 0;
        }

        return read;
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);

    public void Dispose() => inner.Dispose();

    /// <summary>Follows the packets' fixed headers; returns the announced size of a packet over the limit, else null.</summary>
    private long? Scan(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.Type:
                    i++;
                    (_state, _length, _lengthBytes) = (State.Length, 0, 0);
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length |= (long)(b & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    var size = 1 + _lengthBytes + _length;
                    if (size > maxBytes || (_lengthBytes == 4 && (b & 0x80) != 0))
                    {
                        return size;
                    }

                    if ((b & 0x80) == 0)
                    {
                        (_state, _bodyLeft) = _length == 0 ? (State.Type, 0) : (State.Body, _length);
                    }

                    break;
                default:
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0)
                    {
                        _state = State.Type;
                    }

                    break;
            }
        }

        return null;
    }
}
