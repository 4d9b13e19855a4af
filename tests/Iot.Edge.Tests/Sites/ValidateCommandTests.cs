using Iot.Edge.Sites;
using Iot.Testing;

namespace Iot.Edge.Tests.Sites;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("iot-site-").FullName;

    public ValidateCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_copy, "communities"));
        foreach (var file in Directory.GetFiles(RepoPaths.SampleSite, "*.json", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(_copy, Path.GetRelativePath(RepoPaths.SampleSite, file)));
        }
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    private static (int Exit, string Output) Validate(string folder)
    {
        using var output = new StringWriter();
        var exit = ValidateCommand.Run([folder], output);
        return (exit, output.ToString());
    }

    [Fact]
    public void The_sample_site_is_valid_and_summarised()
    {
        var (exit, output) = Validate(RepoPaths.SampleSite);
        Assert.Equal(0, exit);
        Assert.Contains("yongchang (永昌街道): valid", output, StringComparison.Ordinal);
        Assert.Contains("3 communities, 115 courtyards, 115 agents", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_are_listed_with_file_and_path_and_the_exit_code_is_1()
    {
        var file = Path.Combine(_copy, "communities", "yikang-road.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"driver\": \"ct-ads1115\"", "\"driver\": \"ina999\"", StringComparison.Ordinal));

        var (exit, output) = Validate(_copy);

        Assert.Equal(1, exit);
        Assert.Contains("communities/yikang-road.json: $.courtyards[0].agents[0].devices[0].parts[0].driver: unknown driver 'ina999'", output, StringComparison.Ordinal);
        Assert.Matches(@"\d+ problems in 1 file of ", output);
    }

    [Fact]
    public void A_folder_without_site_json_says_what_a_site_folder_holds()
    {
        File.Delete(Path.Combine(_copy, "site.json"));
        var (exit, output) = Validate(_copy);
        Assert.Equal(1, exit);
        Assert.Contains("no site.json here", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_is_a_usage_error() => Assert.Equal(2, Validate(Path.Combine(_copy, "nope")).Exit);
}
