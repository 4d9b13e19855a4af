namespace Iot.Cloud.Auth;

/// <summary>The claim types the cookie carries besides name and role.</summary>
public static class StaffClaims
{
    /// <summary>The party (company, unit, committee) whose courtyards the account answers for.</summary>
    public const string Party = "iot:party";

    /// <summary>The community a community supervisor oversees, or a volunteer or building head helps in.</summary>
    public const string Community = "iot:community";

    /// <summary>A building head's block.</summary>
    public const string Block = "iot:block";

    /// <summary>The name shown to people (e.g. 李师傅).</summary>
    public const string DisplayName = "iot:display";

    /// <summary>
    /// The account signed in with a temporary password (after a reset) and must choose its own first: such a cookie
    /// carries no role, so every page and API but the password page refuses it.
    /// </summary>
    public const string MustChangePassword = "iot:must-change-password";
}
