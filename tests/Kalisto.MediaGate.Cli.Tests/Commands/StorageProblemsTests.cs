using System.Net;
using System.Net.Sockets;
using Kalisto.MediaGate.Cli.Demo;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Commands;

/// <summary>
/// Storage that is not there, refuses the key or the API version, empty audit periods, sorted listings and
/// Ctrl+C, on an Azurite of its own (the command line uses the default names).
/// </summary>
public sealed class StorageProblemsTests : IClassFixture<Azurite>, IDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Azurite _azurite;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-storage-").FullName;

    public StorageProblemsTests(Azurite azurite)
    {
        _azurite = azurite;
        StorageAccount.Empty(azurite.ConnectionString);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static void AssertOneLine(string error)
    {
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Retry", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(AccountKey, error, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void A_closed_port_fails_in_one_line_naming_the_endpoint_and_azurite()
    {
        var port = ClosedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

        var run = CommandLineRun.Of("items", "--storage", connection);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"mediagate items: nothing answers at 127.0.0.1:{port} (connection refused): Azurite not running? Start it with `npm run azurite`.", run.Error.Trim());
        AssertOneLine(run.Error);
    }

    [Fact]
    public void A_wrong_account_key_is_named_as_such()
    {
        var wrong = _azurite.ConnectionString.Replace(AccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

        var run = CommandLineRun.Of("consent", "export", "--storage", wrong);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"^mediagate consent export: the storage at 127\.0\.0\.1:\d+ refused the credentials \(403 (AuthenticationFailed|AuthorizationFailure)\): the account key or the connection string is wrong\.$", run.Error.Trim());
        AssertOneLine(run.Error);
    }

    [Fact]
    public async Task Azurite_without_skip_api_version_check_is_named_with_the_option_it_needs()
    {
        var strict = new Azurite(skipApiVersionCheck: false);
        await strict.InitializeAsync();
        try
        {
            var run = CommandLineRun.Of("items", "--storage", strict.ConnectionString);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("(400 InvalidHeaderValue): Azurite needs --skipApiVersionCheck", run.Error, StringComparison.Ordinal);
            Assert.Matches(@"the storage at 127\.0\.0\.1:\d+ does not accept the API version", run.Error);
            AssertOneLine(run.Error);
        }
        finally
        {
            await strict.DisposeAsync();
        }
    }

    [Fact]
    public void An_empty_audit_period_writes_the_header_and_says_so()
    {
        var run = CommandLineRun.Of("audit", "export", "--storage", _azurite.ConnectionString, "--from", "2020-01-01", "--to", "2020-01-31");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header
        Assert.Contains("0 decisions in that period (2020-01-01 to 2020-01-31)", run.Error, StringComparison.Ordinal);

        var file = Path.Combine(_folder, "audit.csv");
        var toFile = CommandLineRun.Of("audit", "export", "--storage", _azurite.ConnectionString, "--from", "2020-01-01", "--to", "2020-01-31", "--out", file);
        Assert.Equal(0, toFile.ExitCode);
        Assert.Equal(run.Out, File.ReadAllText(file));
        Assert.Contains("0 decisions in that period", toFile.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_c_stops_upload_and_screen_and_the_same_commands_continue()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);

        var upload = CommandLineRun.StoppedAfter(2, "upload", uploads, "--storage", storage);
        Assert.Equal(130, upload.ExitCode);
        Assert.Matches(@"^mediagate upload: stopped \(Ctrl\+C\) after \d+ of 10 files; a file is in uploads whole or not at all; run the same command again", upload.Error);
        var again = CommandLineRun.Of("upload", uploads, "--storage", storage);
        Assert.Equal(0, again.ExitCode);
        Assert.Matches(@"Uploaded \d+ file\(s\) to uploads; [1-9]\d* were there already, unchanged\.", again.Console);

        var screen = CommandLineRun.StoppedAfter(3, "screen", "--storage", storage, "--json");
        Assert.Equal(130, screen.ExitCode);
        Assert.Matches(@"^mediagate screen: stopped \(Ctrl\+C\) after \d+ of 10 uploads; each item is screened or still in uploads", screen.Error);
        var rest = CommandLineRun.Of("screen", "--storage", storage, "--json");
        Assert.Equal(0, rest.ExitCode);
        var rested = StorageAccount.Lines(rest.Out).Select(l => l.GetProperty("path").GetString()!).ToList();
        Assert.Equal(rested.Order(StringComparer.Ordinal), rested); // sorted by path

        var items = StorageAccount.Lines(CommandLineRun.Of("items", "--storage", storage, "--json").Out).Select(i => i.GetProperty("path").GetString()!).ToList();
        Assert.Equal(10, items.Count);
        Assert.Equal(items.Order(StringComparer.Ordinal), items);
    }

    [Fact]
    public void Ctrl_c_stops_rescreen_which_the_same_command_then_finishes()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("upload", uploads, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("screen", "--storage", storage, "--json").ExitCode);
        Assert.Equal(0, CommandLineRun.Of("rescreen", "--storage", storage).ExitCode);
        foreach (var (school, subject) in new[] { ("de-wilg", "LL-1001"), ("de-wilg", "LL-1002"), ("het-anker", "LL-2001") })
        {
            Assert.Equal(0, CommandLineRun.Of("consent", "withdraw", school, subject, "--storage", storage).ExitCode);
        }

        // Stopped after the first re-screen: the storage calls after it see the cancelled token.
        var stopped = CommandLineRun.StoppedAfter(1, "rescreen", "--storage", storage);
        Assert.Equal(130, stopped.ExitCode);
        Assert.Matches(@"^mediagate rescreen: stopped \(Ctrl\+C\) after [1-3] re-screen\(s\); each item is moved whole or not at all and the rest stay pending; run the same command again to continue\.\s*$", stopped.Error);

        var again = CommandLineRun.Of("rescreen", "--storage", storage);
        Assert.Equal(0, again.ExitCode);
        var items = StorageAccount.Lines(CommandLineRun.Of("items", "--storage", storage, "--json").Out);
        Assert.DoesNotContain(items, i => i.GetProperty("state").GetString() == "approved"
            && i.GetProperty("subjects").EnumerateArray().Any(s => s.GetString() is "LL-1001" or "LL-1002" or "LL-2001"));
    }

    [Fact]
    public void Screen_storage_json_is_sorted_by_path()
    {
        var uploads = Path.Combine(_folder, "uploads");
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(uploads, csv);
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("consent", "import", csv, "--storage", storage).ExitCode);
        Assert.Equal(0, CommandLineRun.Of("upload", uploads, "--storage", storage).ExitCode);

        var run = CommandLineRun.Of("screen", "--storage", storage, "--json");

        var paths = StorageAccount.Lines(run.Out).Select(l => l.GetProperty("path").GetString()!).ToList();
        Assert.Equal(10, paths.Count);
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public void Ctrl_c_before_the_storage_answered_changes_nothing()
    {
        var csv = Path.Combine(_folder, "consent.csv");
        DemoUploadSet.Write(Path.Combine(_folder, "uploads"), csv);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var run = CommandLineRun.Of(stop.Token, null, "consent", "import", csv, "--storage", _azurite.ConnectionString);

        Assert.Equal(130, run.ExitCode);
        Assert.Contains("mediagate consent import: stopped (Ctrl+C)", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, CommandLineRun.Of("consent", "export", "--storage", _azurite.ConnectionString).Out.Split('\n', 2)[1].Trim());
    }
}
