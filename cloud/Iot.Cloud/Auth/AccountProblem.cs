namespace Iot.Cloud.Auth;

/// <summary>The field of the account form a problem is about.</summary>
public enum AccountField
{
    UserName,
    DisplayName,
    Role,
    Party,
    Community,
    Block,
    Team,
    Password,
}

/// <summary>What is wrong, so that a page can say it in its own words.</summary>
public enum AccountProblemKind
{
    UserNameFormat,
    UserNameTaken,
    DisplayNameTooLong,
    PartyNotCompany,
    PartyNotUnit,
    CommunityMissing,
    BlockMissing,
    TeamMissing,
    PasswordTooShort,
    PasswordTooSimple,
    PasswordCommon,
    PasswordHasUserName,
    PasswordWrong,
    PasswordSame,
    NoSuchAccount,
    OwnAccount,
    SiteNotLoaded,
    Other,
}

/// <summary>
/// One reason an account cannot be made or changed: the field, the kind (for the pages' words), the English text (for
/// the command line and logs) and the value it concerns (a role, a party, a length).
/// </summary>
public sealed record AccountProblem(AccountField Field, AccountProblemKind Kind, string Text, string? Value = null)
{
    public override string ToString() => Text;
}
