using System.Diagnostics;
using System.Text.Json;
using Kalisto.MediaGate.Cli;
using Kalisto.MediaGate.Tests.Support;
using Spectre.Console;

namespace Kalisto.MediaGate.Tests.Commands;

/// <summary>Paths people get wrong, files that are no files, output to a file, and Ctrl+C: offline, no storage.</summary>
public sealed class PathProblemsTests : IDisposable
{
    private const string Csv = """
        school,subject_id,kind,display_name,channels,valid_from,valid_until,withdrawn_on,evidence
        de-wilg,LL-1001,pupil,Emma de Vries,schoolguide;newsletter;website;socialmedia;parentportal,2026-08-01,2027-07-31,,form-1
        de-wilg,LL-1002,pupil,Noah Bakker,website;newsletter,2026-08-01,2027-07-31,,form-2
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mediagate-paths-");

    private string Input => Path.Combine(_dir.FullName, "uploads");

    private string Output => Path.Combine(_dir.FullName, "out");

    private string CsvPath => Path.Combine(_dir.FullName, "consent.csv");

    public void Dispose() => _dir.Delete(recursive: true);

    private void SetUp(int copies = 2)
    {
        for (var i = 0; i < copies; i++)
        {
            Upload("xmp-personinimage.jpg", $"de-wilg/sportdag/{(char)('z' - i)}.jpg");
            Upload("untagged.jpg", $"de-wilg/{(char)('z' - i)}-untagged.jpg");
        }

        File.WriteAllText(CsvPath, Csv);
    }

    private void Upload(string fixture, string path)
    {
        var target = Path.Combine(Input, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(CommandLineRun.Data(fixture), target);
    }

    private static void AssertOneLineWithoutStackTrace(string error)
    {
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    private static void MakeFifo(string path)
    {
        Skip.If(OperatingSystem.IsWindows(), "FIFOs are a Unix thing");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public void Screen_into_an_existing_file_is_a_usage_error_in_one_line()
    {
        SetUp();
        File.WriteAllText(Output, "not a folder");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out is a file, not a folder: {Output}", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [Fact]
    public void Screen_into_a_folder_that_cannot_be_made_is_a_usage_error_in_one_line()
    {
        SetUp();
        File.WriteAllText(Output, "a file");

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Path.Combine(Output, "below"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the folder of --out cannot be made", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [Fact]
    public void Screen_with_a_folder_as_consent_file_is_a_usage_error()
    {
        SetUp();

        var run = CommandLineRun.Of("screen", Input, "--consent", _dir.FullName, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--consent: a folder, not a file", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [SkippableFact]
    public void A_fifo_as_consent_file_is_refused_instead_of_waiting_for_a_writer()
    {
        SetUp();
        var fifo = Path.Combine(_dir.FullName, "consent.fifo");
        MakeFifo(fifo);

        var run = CommandLineRun.Of("screen", Input, "--consent", fifo, "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a regular file (FIFO)", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("consent", "export")]
    [InlineData("audit", "export", "--from", "2026-11-01", "--to", "2026-11-30")]
    public void Export_to_a_folder_is_a_usage_error_before_storage_is_asked(params string[] command)
    {
        // The storage does not exist: the path is checked first.
        var run = CommandLineRun.Of([.. command, "--storage", "UseDevelopmentStorage=true", "--out", _dir.FullName]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out is a folder, not a file: {_dir.FullName}", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [Fact]
    public void Export_into_a_folder_below_a_file_is_a_usage_error()
    {
        var file = Path.Combine(_dir.FullName, "file.csv");
        File.WriteAllText(file, "x");

        var run = CommandLineRun.Of("consent", "export", "--storage", "UseDevelopmentStorage=true", "--out", Path.Combine(file, "register.csv"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the folder of --out cannot be made", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [SkippableFact]
    public void Export_into_a_fifo_is_a_usage_error_instead_of_waiting_for_a_reader()
    {
        var fifo = Path.Combine(_dir.FullName, "register.csv");
        MakeFifo(fifo);

        var run = CommandLineRun.Of("consent", "export", "--storage", "UseDevelopmentStorage=true", "--out", fifo);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out is not a regular file (FIFO): {fifo}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_into_an_existing_file_is_a_usage_error_in_one_line()
    {
        File.WriteAllText(Output, "a file");

        var run = CommandLineRun.Of("demo", "--out", Output);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out is a file, not a folder: {Output}", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [Fact]
    public void Upload_of_a_missing_path_is_a_usage_error()
    {
        var run = CommandLineRun.Of("upload", Path.Combine(_dir.FullName, "missing"), "--storage", "UseDevelopmentStorage=true");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such file or folder", run.Error, StringComparison.Ordinal);
        AssertOneLineWithoutStackTrace(run.Error);
    }

    [SkippableFact]
    public void Fifos_links_and_system_files_are_skipped_counted_and_never_quarantined()
    {
        SetUp(copies: 1);
        var school = Path.Combine(Input, "de-wilg");
        MakeFifo(Path.Combine(school, "pipe.jpg"));
        File.WriteAllText(Path.Combine(school, ".DS_Store"), "finder");
        File.WriteAllText(Path.Combine(school, "Thumbs.db"), "explorer");
        File.WriteAllText(Path.Combine(school, "._z-untagged.jpg"), "appledouble");
        Directory.CreateDirectory(Path.Combine(Input, ".Trashes", "501"));
        File.WriteAllText(Path.Combine(Input, ".Trashes", "501", "weg.jpg"), "in the bin");
        var outside = Path.Combine(_dir.FullName, "outside.jpg");
        File.Copy(CommandLineRun.Data("untagged.jpg"), outside);
        File.CreateSymbolicLink(Path.Combine(school, "link.jpg"), outside);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--now", "2026-11-27");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Skipped 4 system files, 1 FIFO and 1 symbolic link (not screened, not copied).", run.Console, StringComparison.Ordinal);
        var decided = File.ReadAllLines(Path.Combine(Output, "decisions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()).ToList();
        Assert.Equal(["de-wilg/sportdag/z.jpg", "de-wilg/z-untagged.jpg"], decided);
        var copied = Directory.EnumerateFiles(Output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Output, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(["approved/de-wilg/sportdag/z.jpg", "decisions.jsonl", "quarantine/de-wilg/z-untagged.jpg"], copied);

        var json = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Path.Combine(_dir.FullName, "out2"), "--json");
        Assert.Equal(2, StorageAccount.Lines(json.Out).Count);
        Assert.Contains("mediagate screen: skipped 4 system files, 1 FIFO and 1 symbolic link", json.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Inspect_skips_a_fifo_in_a_folder_and_refuses_one_named()
    {
        SetUp(copies: 1);
        var fifo = Path.Combine(Input, "de-wilg", "pipe.jpg");
        MakeFifo(fifo);

        var folder = CommandLineRun.Of("inspect", Input, "--json");
        Assert.Equal(0, folder.ExitCode);
        Assert.Equal(2, StorageAccount.Lines(folder.Out).Count);
        Assert.Contains("skipped 1 FIFO (not inspected)", folder.Error, StringComparison.Ordinal);

        var named = CommandLineRun.Of("inspect", fifo);
        Assert.Equal(2, named.ExitCode);
        Assert.Contains($"not a regular file (FIFO): {fifo}", named.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_json_lines_come_sorted_by_path()
    {
        SetUp(copies: 12);

        var run = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--json");

        Assert.Equal(0, run.ExitCode);
        var paths = StorageAccount.Lines(run.Out).Select(l => l.GetProperty("path").GetString()!).ToList();
        Assert.Equal(24, paths.Count);
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public void Inspect_json_lines_of_a_folder_come_sorted_by_path()
    {
        SetUp(copies: 5);

        var run = CommandLineRun.Of("inspect", Input, "--json");

        var paths = StorageAccount.Lines(run.Out).Select(l => l.GetProperty("path").GetString()!).ToList();
        Assert.Equal(10, paths.Count);
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public void Ctrl_c_stops_screen_says_what_was_done_and_leaves_an_output_the_same_command_runs_on()
    {
        SetUp(copies: 10);

        var stopped = CommandLineRun.StoppedAfter(3, "screen", Input, "--consent", CsvPath, "--out", Output, "--json");

        Assert.Equal(130, stopped.ExitCode);
        Assert.Matches(@"^mediagate screen: stopped \(Ctrl\+C\) after \d+ of 20 files; the output folder was emptied again, so nothing is half-written; run the same command again to screen them all\.\s*$", stopped.Error);
        Assert.False(Directory.Exists(Output) && Directory.EnumerateFileSystemEntries(Output).Any());

        var again = CommandLineRun.Of("screen", Input, "--consent", CsvPath, "--out", Output, "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(20, StorageAccount.Lines(again.Out).Count);
    }

    [Fact]
    public void Ctrl_c_in_an_empty_output_folder_given_leaves_the_folder_itself()
    {
        SetUp(copies: 10);
        Directory.CreateDirectory(Output);

        var stopped = CommandLineRun.StoppedAfter(2, "screen", Input, "--consent", CsvPath, "--out", Output);

        Assert.Equal(130, stopped.ExitCode);
        Assert.True(Directory.Exists(Output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Output));
    }

    [Fact]
    public void Output_to_no_terminal_is_not_wrapped()
    {
        var output = new StringWriter();
        var console = CliConsole.Redirected(output, new StringWriter());
        var path = "de-wilg/" + string.Concat(Enumerable.Repeat("een-heel-lange-mapnaam/", 12)) + "foto.jpg";

        console.Ansi.MarkupLine($"Decisions: [blue]{path}[/] and some words after it that would wrap at eighty columns");
        CliConsole.Heading(console.Ansi, path);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"Decisions: {path} and some words after it that would wrap at eighty columns", lines[0].TrimEnd('\r'));
        Assert.Equal($"── {path}", lines[1].TrimEnd('\r'));
    }
}
