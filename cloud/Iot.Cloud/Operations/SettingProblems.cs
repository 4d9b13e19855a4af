using System.Globalization;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Operations;

/// <summary>
/// The one way the cloud checks its settings: each options class has an <see cref="IValidateOptions{TOptions}"/> that
/// collects every problem of its section here, each naming its key as an operator writes it (<c>Alerts:FlapWindow</c>),
/// so a wrong start lists them all at once.
/// </summary>
/// <param name="section">The configuration section, e.g. <c>Alerts</c>.</param>
public sealed class SettingProblems(string section)
{
    private readonly List<string> _problems = [];

    /// <summary>Fails <paramref name="key"/> with <paramref name="problem"/> unless <paramref name="ok"/>.</summary>
    public SettingProblems Require(bool ok, string key, string problem)
    {
        if (!ok)
        {
            _problems.Add($"{section}:{key} {problem}");
        }

        return this;
    }

    /// <summary>Fails <paramref name="key"/> unless <paramref name="value"/> lies within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public SettingProblems Within<T>(string key, T value, T min, T max)
        where T : IComparable<T> =>
        Require(value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0, key,
            string.Create(CultureInfo.InvariantCulture, $"is {value}; it must be between {min} and {max}"));

    /// <summary>Every problem found, or success.</summary>
    public ValidateOptionsResult Result => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);
}
