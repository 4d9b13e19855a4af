using System.Net;
using Iot.Cloud.Operations;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Iot.Cloud.Broker;

/// <summary>
/// The MQTT broker inside the cloud process, for one machine and the one-command demo. It listens on 127.0.0.1 and ::1
/// (<see cref="ListenAddresses"/>). Without <see cref="BrokerOptions.Accounts"/> it takes clients without an account,
/// which is why it then listens on loopback only. With them it is as strict as the provisioned Mosquitto: the same
/// password file and ACL, read again when they change, the account name as client id, nobody without an account.
/// Limits: packet size, connections, sessions, messages queued per client. No shared subscriptions (MQTTnet has none).
/// </summary>
public sealed partial class EmbeddedBroker(IOptions<BrokerOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long a client has to send CONNECT after its TCP connection, and a DISCONNECT to go out.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private MqttServer? _server;
    private Task? _stopping;
    private BrokerListener? _listener;
    private volatile AccountFiles? _accounts;

    /// <summary>The addresses and ports it listens on, once started.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _listener?.Endpoints ?? [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Accounts is { Length: > 0 } folder)
        {
            _accounts = AccountFiles.Load(folder);
            if (o.Username is { } user && !_accounts.Passwords.Verifies(user, o.Password ?? string.Empty))
            {
                throw new SettingsException($"Broker:Username '{user}' with Broker:Password is not an account of {AccountFiles.PasswordFile(folder)}; use cloud/cloud-1.env of the same provisioning");
            }

            if (o.EventsUsername is { } events && !_accounts.Passwords.Verifies(events, o.EventsPassword ?? string.Empty))
            {
                throw new SettingsException($"Broker:EventsUsername '{events}' with Broker:EventsPassword is not an account of {AccountFiles.PasswordFile(folder)}; use cloud/cloud-1.env of the same provisioning");
            }
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(o.MaxPendingMessagesPerClient)
            .WithDefaultCommunicationTimeout(ConnectTimeout)
            .Build();
        _listener = new BrokerListener(ListenAddresses.For(o.Host), o, userNameAsClientId: _accounts is not null, logger);
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [_listener]);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        if (_accounts is not null)
        {
            _server.InterceptingPublishAsync += CheckPublishAsync;
            _server.InterceptingClientEnqueueAsync += CheckDeliveryAsync;
        }

        await _server.StartAsync();
        LogListening(logger, Endpoints, _accounts is null ? "clients without an account (loopback only)" : $"accounts of {o.Accounts} and their ACL");
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop it twice at once (WebApplication.Run stops the host its caller is stopping), then dispose it.
        lock (_gate)
        {
            return _stopping ??= _server?.StopAsync() ?? Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _server?.Dispose();
        _server = null;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        // MQTT lets a client connect with an empty id and a clean session; the broker must then assign one.
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = $"auto-{Guid.NewGuid():N}";
        }

        if (CurrentAccounts() is { } accounts)
        {
            // Mosquitto answers "not authorized" alike for no account, an unknown one and a wrong password.
            if (string.IsNullOrEmpty(e.UserName) || !accounts.Passwords.Verifies(e.UserName, e.RawPassword ?? []))
            {
                e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
                LogRefused(logger, e.RemoteEndPoint, e.UserName ?? "(none)");
                return;
            }
        }

        var sessions = await _server!.GetSessionsAsync();
        var clientId = e.ClientId is { Length: > 0 } id ? id : e.AssignedClientIdentifier;
        if (sessions.Count >= options.Value.MaxSessions && !sessions.Any(s => s.Id == clientId))
        {
            e.ReasonCode = MqttConnectReasonCode.QuotaExceeded;
            LogTooManySessions(logger, e.RemoteEndPoint, options.Value.MaxSessions);
        }
    }

    private Task CheckPublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (_accounts is { } accounts && !(e.UserName is { } user && accounts.Acl.MayPublish(user, topic)))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogPublishRefused(logger, e.UserName ?? "(none)", topic);
        }

        return Task.CompletedTask;
    }

    private Task CheckDeliveryAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        // With accounts the client id is the account name (see BrokerClientAdapter).
        if (_accounts is { } accounts && !accounts.Acl.MayReceive(e.ReceiverClientId, e.ApplicationMessage.Topic))
        {
            e.AcceptEnqueue = false;
        }

        return Task.CompletedTask;
    }

    /// <summary>The accounts, read again when a re-provisioning changed the files (as Mosquitto re-reads them on SIGHUP).</summary>
    private AccountFiles? CurrentAccounts()
    {
        if (_accounts is not { } current || options.Value.Accounts is not { } folder)
        {
            return null;
        }

        try
        {
            if (AccountFiles.VersionOf(folder) != current.Version)
            {
                _accounts = current = AccountFiles.Load(folder);
                LogReloaded(logger, folder, current.Passwords.Names.Count);
            }
        }
        catch (Exception ex) when (ex is SettingsException or IOException or UnauthorizedAccessException)
        {
            // Half-written or wrong files: keep what worked rather than lock everyone out, or let anyone in.
            LogReloadFailed(logger, folder, ex.Message);
        }

        return current;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Endpoints}, for {Clients}")]
    private static partial void LogListening(ILogger logger, IReadOnlyList<IPEndPoint> endpoints, string clients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker refused a connection from {Endpoint} as '{User}': not an account, or a wrong password")]
    private static partial void LogRefused(ILogger logger, EndPoint? endpoint, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker refused a connection from {Endpoint}: {Max} sessions kept already (Broker:MaxSessions)")]
    private static partial void LogTooManySessions(ILogger logger, EndPoint? endpoint, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker refused a publish by '{User}' to {Topic}: the ACL does not allow it")]
    private static partial void LogPublishRefused(ILogger logger, string user, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker read its accounts again from {Folder}: {Count} accounts")]
    private static partial void LogReloaded(ILogger logger, string folder, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded MQTT broker kept its previous accounts: {Folder} could not be read ({Reason})")]
    private static partial void LogReloadFailed(ILogger logger, string folder, string reason);
}
