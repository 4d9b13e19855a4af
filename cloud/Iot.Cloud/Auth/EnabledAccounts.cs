using Iot.Cloud.Data;
using Microsoft.AspNetCore.Identity;

namespace Iot.Cloud.Auth;

/// <summary>Identity asks whether an account may sign in: not when it is disabled (a volunteer who left, say).</summary>
internal sealed class EnabledAccounts : IUserConfirmation<Account>
{
    public Task<bool> IsConfirmedAsync(UserManager<Account> manager, Account user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Task.FromResult(user.DisabledAt is null);
    }
}
