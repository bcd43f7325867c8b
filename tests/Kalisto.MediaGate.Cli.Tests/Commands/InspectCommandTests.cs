using System.Text.Json;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

public sealed class InspectCommandTests
{
    [Fact]
    public void Json_prints_one_object_per_file_with_persons_keywords_and_problems()
    {
        var run = CommandLineRun.Of("inspect", "--json", CommandLineRun.Data("combined.jpg"), CommandLineRun.Data("xmp-mwg-regions.jpg"));

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var combined = JsonDocument.Parse(lines[0]);
        var root = combined.RootElement;
        Assert.EndsWith("combined.jpg", root.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal("image", root.GetProperty("kind").GetString());
        Assert.Contains(root.GetProperty("persons").EnumerateArray(), p => p.GetProperty("value").GetString() == "Emma de Vries"
            && p.GetProperty("source").GetString()!.Contains("PersonInImage", StringComparison.Ordinal));
        Assert.Contains(root.GetProperty("keywords").EnumerateArray(), k => k.GetProperty("value").GetString() == "MW-2001"
            && k.GetProperty("source").GetString()!.Contains("IPTC", StringComparison.Ordinal));
        Assert.Equal(0, root.GetProperty("problems").GetArrayLength());

        using var regions = JsonDocument.Parse(lines[1]);
        var unnamed = regions.RootElement.GetProperty("persons")[1];
        Assert.Equal(JsonValueKind.Null, unnamed.GetProperty("value").ValueKind);
        Assert.Equal(0.7, unnamed.GetProperty("region").GetProperty("left").GetDouble(), 6);
    }

    [Fact]
    public void Folders_are_searched_recursively_and_problems_do_not_fail_the_run()
    {
        var dir = Directory.CreateTempSubdirectory("mediagate-inspect-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "groep8"));
            File.Copy(CommandLineRun.Data("xmp-dc-subject.jpg"), Path.Combine(dir.FullName, "groep8", "a.jpg"));
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not media");

            var run = CommandLineRun.Of("inspect", "--json", dir.FullName);

            Assert.Equal(0, run.ExitCode);
            var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Contains(lines, l => l.Contains("\"unsupported-type\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("groep8/a.jpg", StringComparison.Ordinal) && l.Contains("LL-1001", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Table_shows_each_tag_and_where_it_was_found()
    {
        var run = CommandLineRun.Of("inspect", CommandLineRun.Data("xmp-mp-regions.jpg"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Sanne Jansen", run.Console, StringComparison.Ordinal);
        Assert.Contains("MP:RegionInfo", run.Console, StringComparison.Ordinal);
        Assert.Contains("(unnamed face)", run.Console, StringComparison.Ordinal);
        Assert.Contains("x 0.1 y 0.2 w 0.3 h 0.4", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_path_argument_is_a_usage_error()
    {
        var run = CommandLineRun.Of("inspect");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mediagate inspect --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_that_does_not_exist_is_a_usage_error()
    {
        var run = CommandLineRun.Of("inspect", "/no/such/folder");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such file or folder: /no/such/folder", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        Assert.Equal(2, CommandLineRun.Of("publish-everything").ExitCode);
    }
}
