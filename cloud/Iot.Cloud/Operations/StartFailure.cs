using Microsoft.Extensions.Options;

namespace Iot.Cloud.Operations;

/// <summary>A start refused because of what the operator configured (a setting, the site manifests), not a fault in the service.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Turns a start that failed on settings into the lines an operator acts on, instead of a stack trace.</summary>
public static class StartFailure
{
    /// <summary>What is wrong, one line per problem; null when <paramref name="error"/> is not about settings.</summary>
    public static IReadOnlyList<string>? Explain(Exception error) => error switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        SettingsException settings => [settings.Message],
        AggregateException all when all.InnerExceptions.All(e => Explain(e) is not null) => [.. all.InnerExceptions.SelectMany(e => Explain(e)!)],
        _ => null,
    };
}
