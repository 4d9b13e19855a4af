using Iot.Cloud.Auth;
using Iot.Cloud.Data;

namespace Iot.Cloud.Tests.Auth;

/// <summary>The shipped common-password list and the user-name rule, without a host.</summary>
public sealed class PasswordPolicyTests
{
    private static readonly CommonPasswordValidator Validator = new();

    [Theory]
    [InlineData("woaini1314")]
    [InlineData("5201314520")]
    [InlineData("qq12345678")]
    [InlineData("1234567890")]
    [InlineData("wangwei123456")]
    [InlineData("liuyang1314")]
    [InlineData("Password123")]
    [InlineData("iloveyou520")]
    [InlineData("19880808")]
    [InlineData("88888888")]
    [InlineData("kunming123456")]
    public async Task A_common_password_is_refused_naming_why(string password)
    {
        var result = await Validator.ValidateAsync(null!, new Account { UserName = "li-shifu", CreatedBy = "test" }, password);

        var error = Assert.Single(result.Errors);
        Assert.Equal(CommonPasswordValidator.CommonCode, error.Code);
        Assert.Contains("most common passwords", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_with_the_user_name_in_it_is_refused_whatever_the_case()
    {
        var result = await Validator.ValidateAsync(null!, new Account { UserName = "li-shifu", CreatedBy = "test" }, "my-LI-SHIFU-gate");

        Assert.Equal(CommonPasswordValidator.UserNameCode, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void The_list_is_shipped_in_the_assembly_and_holds_thousands()
    {
        Assert.InRange(CommonPasswordValidator.Count, 10_000, 100_000);
    }

    [Theory]
    [InlineData("yongchang-demo")] // Demo:Password's default (run.sh, README)
    [InlineData(Support.CloudHost.Password)]
    [InlineData("browser-test-password")] // the browser tests' demo password
    public async Task The_demo_passwords_pass_the_policy_for_every_demo_account(string password)
    {
        Assert.Equal(password, new AuthOptions().MinPasswordLength <= password.Length ? password : null);
        foreach (var (name, _, _, _, _) in DemoAccounts.All)
        {
            var result = await Validator.ValidateAsync(null!, new Account { UserName = name, CreatedBy = "test" }, password);
            Assert.True(result.Succeeded, $"{name}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
