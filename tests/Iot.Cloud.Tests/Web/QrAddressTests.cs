using Iot.Cloud.Web;

namespace Iot.Cloud.Tests.Web;

/// <summary>Issue 22, item 12: which address the QR codes carry, when the sheet must warn, and the setting's check at start.</summary>
public sealed class QrAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080/")]
    [InlineData("http://[::1]:5080/")]
    [InlineData("http://192.168.1.20:5080/")]
    [InlineData("http://10.0.0.5/")]
    [InlineData("http://172.20.3.4/")]
    [InlineData("http://100.72.1.1/")]
    [InlineData("http://169.254.10.1/")]
    [InlineData("http://[fd12:3456::1]/")]
    [InlineData("http://estate-server/")]
    [InlineData("http://estate.local/")]
    [InlineData("http://estate.lan/")]
    public void Without_the_setting_an_address_phones_cannot_reach_is_used_and_flagged(string request)
    {
        var address = QrAddress.Choose(configured: null, new Uri(request));

        Assert.Equal(new Uri(request), address.Root);
        Assert.False(address.FromSetting);
        Assert.True(address.Unreachable, $"{request} should be flagged");
    }

    [Theory]
    [InlineData("https://estate.example.cn/")]
    [InlineData("http://203.0.113.7:8080/")]
    [InlineData("http://172.32.0.1/")]
    public void Without_the_setting_a_public_request_address_is_used_without_a_warning(string request)
    {
        var address = QrAddress.Choose(configured: null, new Uri(request));

        Assert.False(address.Unreachable);
        Assert.Equal($"{request}r/yikang-1", address.ReportUrl("yikang-1").AbsoluteUri);
    }

    [Fact]
    public void The_setting_wins_over_the_loopback_address_the_sheet_was_opened_at()
    {
        var options = new WebOptions { PublicBaseUrl = "https://estate.example.cn/yongchang" };

        var address = QrAddress.Choose(options.PublicBase, new Uri("http://127.0.0.1:5080/"));

        Assert.True(address.FromSetting);
        Assert.False(address.Unreachable);
        Assert.Equal("https://estate.example.cn/yongchang/r/yikang-1", address.ReportUrl("yikang-1").AbsoluteUri);
    }

    [Fact]
    public void A_setting_that_is_itself_private_is_still_flagged()
    {
        var address = QrAddress.Choose(new WebOptions { PublicBaseUrl = "http://192.168.0.10:5080" }.PublicBase, new Uri("http://127.0.0.1:5080/"));

        Assert.True(address.FromSetting);
        Assert.True(address.Unreachable);
    }

    [Theory]
    [InlineData("estate.example.cn")]
    [InlineData("/r")]
    [InlineData("ftp://estate.example.cn")]
    [InlineData("https://estate.example.cn/?site=1")]
    [InlineData("https://estate.example.cn/#top")]
    [InlineData("https://chen:secret@estate.example.cn/")]
    public void A_wrong_setting_is_refused_naming_it(string value)
    {
        var result = new WebOptionsValidator().Validate(null, new WebOptions { PublicBaseUrl = value });

        Assert.True(result.Failed, value);
        Assert.Contains("Web:PublicBaseUrl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://estate.example.cn")]
    [InlineData("http://203.0.113.7:8080/estate/")]
    public void An_absent_or_absolute_http_setting_is_accepted(string? value) =>
        Assert.True(new WebOptionsValidator().Validate(null, new WebOptions { PublicBaseUrl = value }).Succeeded);
}
