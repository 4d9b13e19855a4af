namespace Iot.Cloud.Rules;

/// <summary>Wires the rules: options, the hand-over from ingest, the runner.</summary>
public static class RulesSetup
{
    public static IHostApplicationBuilder AddRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RuleOptions>().BindConfiguration(RuleOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RuleOptions>, RuleOptionsValidator>();
        builder.Services.AddSingleton<RuleInbox>();
        builder.Services.AddSingleton<Ingest.IStoredBatches>(sp => sp.GetRequiredService<RuleInbox>());
        builder.Services.AddScoped<RuleEditor>();
        builder.Services.AddSingleton<RuleRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RuleRunner>());
        return builder;
    }
}
