using Iot.Cloud.Data;
using Microsoft.AspNetCore.Identity;

namespace Iot.Cloud.Auth;

/// <summary>
/// Refuses a password that is on the shipped list of common ones (<c>CommonPasswords.txt</c>: number runs, keyboard
/// walks, 5201314-style love numbers, pinyin names with digits, dates), or that contains the user name: the first
/// guesses of anyone who tries an account. Applies wherever Identity sets a password: creation, reset, own change.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<Account>
{
    /// <summary>Identity's error code for a listed password.</summary>
    public const string CommonCode = "PasswordCommon";

    /// <summary>Identity's error code for a password that contains the user name.</summary>
    public const string UserNameCode = "PasswordContainsUserName";

    private static readonly Lazy<HashSet<string>> List = new(Load);

    /// <summary>How many passwords the list holds.</summary>
    public static int Count => List.Value.Count;

    /// <summary>Whether the password is on the list (case does not matter).</summary>
    public static bool IsCommon(string password) => List.Value.Contains(password);

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var errors = new List<IdentityError>();
        if (IsCommon(password))
        {
            errors.Add(new IdentityError { Code = CommonCode, Description = "the password is one of the most common passwords, the first an attacker tries; choose another" });
        }

        if (user.UserName is { Length: > 0 } name && password.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = UserNameCode, Description = "the password contains the user name; choose one without it" });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Iot.Cloud.Auth.CommonPasswords.txt")
            ?? throw new InvalidOperationException("the embedded resource Iot.Cloud.Auth.CommonPasswords.txt is missing");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line);
            }
        }

        return set;
    }
}
