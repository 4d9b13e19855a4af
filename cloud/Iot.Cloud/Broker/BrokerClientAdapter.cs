using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Iot.Cloud.Broker;

/// <summary>
/// One client's MQTT connection as the embedded broker's server sees it. With accounts, the account name becomes the
/// client id, as Mosquitto's <c>use_username_as_clientid</c> does: no account can take over another's session (the
/// cloud's holds every agent's unacknowledged messages). MQTT 5 clients are told the packet size limit in the CONNACK.
/// </summary>
internal sealed class BrokerClientAdapter(IMqttChannelAdapter inner, bool userNameAsClientId, int maxPacketBytes) : ForwardingChannelAdapter(inner)
{
    public override async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        var packet = await Inner.ReceivePacketAsync(cancellationToken);
        if (packet is MqttConnectPacket connect)
        {
            if (userNameAsClientId && !string.IsNullOrEmpty(connect.Username))
            {
                connect.ClientId = connect.Username;
            }
            else if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && Inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                // MQTT 3.1.1 lets a clean-session client leave its id to the server (mosquitto_sub does); MQTTnet
                // assigns one for MQTT 5 only.
                connect.ClientId = $"auto-{Guid.NewGuid():N}";
            }
        }

        return packet;
    }

    public override Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket connAck)
        {
            connAck.MaximumPacketSize = (uint)maxPacketBytes;
        }

        return Inner.SendPacketAsync(packet, cancellationToken);
    }
}
