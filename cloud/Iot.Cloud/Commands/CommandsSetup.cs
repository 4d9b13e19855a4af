namespace Iot.Cloud.Commands;

/// <summary>Wires commands to agents: the sender, the live announcements and the watcher of answers.</summary>
public static class CommandsSetup
{
    public static IHostApplicationBuilder AddCommands(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CommandFeed>();
        builder.Services.AddSingleton<CommandSender>();
        builder.Services.AddHostedService<CommandWatcher>();
        return builder;
    }
}
