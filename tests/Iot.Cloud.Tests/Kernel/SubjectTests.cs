using Iot.Cloud.Kernel;
using Iot.Protocol.Identifiers;

namespace Iot.Cloud.Tests.Kernel;

public sealed class SubjectTests
{
    [Theory]
    [InlineData("yikang-1-a", "yikang-1-a", null, null)]
    [InlineData("yikang-1-a/lamp-2", "yikang-1-a", "lamp-2", null)]
    [InlineData("yikang-1-a/charger-1/o12", "yikang-1-a", "charger-1", 12)]
    public void A_stored_subject_reads_back_as_agent_device_and_outlet_and_writes_the_same_text(string text, string agent, string? device, int? outlet)
    {
        Assert.True(Subject.TryParse(text, out var subject));
        Assert.Equal(new Subject(AgentId.Parse(agent), device is null ? null : DeviceId.Parse(device), outlet), subject);
        Assert.Equal(text, subject.Value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("a/b/c/d")]
    [InlineData("a//b")]
    [InlineData("a/charger-1/12")]
    [InlineData("a/charger-1/o")]
    [InlineData("a/charger-1/o-1")]
    [InlineData("a/charger-1/o１")]
    [InlineData("Yikang 1/lamp-2")]
    [InlineData("yikang-1-a/灯")]
    public void Text_that_is_not_a_subject_is_refused_rather_than_guessed(string? text) =>
        Assert.False(Subject.TryParse(text, out _));
}
