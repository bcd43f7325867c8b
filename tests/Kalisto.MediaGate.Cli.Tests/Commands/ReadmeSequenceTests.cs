using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary>
/// The README's "Run locally with Azurite" sequence (demo, consent import, upload, screen, consent withdraw,
/// rescreen), run again and again as someone trying it out would. On its own Azurite: the command line
/// uses the default names.
/// </summary>
public sealed partial class ReadmeSequenceTests : IClassFixture<Azurite>, IDisposable
{
    private const int Runs = 20;
    private readonly Azurite _azurite;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-readme-").FullName;

    public ReadmeSequenceTests(Azurite azurite)
    {
        _azurite = azurite;
        StorageAccount.Empty(azurite.ConnectionString);
    }

    [Fact]
    public void The_sequence_run_twenty_times_on_one_account_keeps_the_withdrawn_pupil_out_of_approved_every_time()
    {
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("demo", "--out", _folder).ExitCode);
        for (var run = 1; run <= Runs; run++)
        {
            var (items, changed) = Sequence(storage, run);

            // Every run uploads the same ten names again: ten new items, the earlier ones kept.
            Assert.Equal(10 * run, items.Count);

            // The withdrawal stands: from the second run on, the new uploads are screened against it and the import leaves it.
            Assert.True(changed == (run == 1 ? FirstWithdrawalChanges : 0), $"run {run}: rescreen changed {changed} item(s)");
        }
    }

    [Fact]
    public void The_sequence_run_twenty_times_on_an_emptied_account_reports_the_same_changes_every_time()
    {
        var storage = _azurite.ConnectionString;
        Assert.Equal(0, CommandLineRun.Of("demo", "--out", _folder).ExitCode);
        for (var run = 1; run <= Runs; run++)
        {
            StorageAccount.Empty(storage);
            var (items, changed) = Sequence(storage, run);

            Assert.Equal(10, items.Count);
            Assert.True(changed == FirstWithdrawalChanges, $"run {run}: rescreen changed {changed} item(s)");
        }
    }

    /// <summary>
    /// What the first withdrawal of LL-1001 changes in the demo set: estafette.jpg (by her name) and
    /// uitvoering.mp4 leave approved; klassenfoto.jpg stays quarantined with consent-withdrawn as a reason more.
    /// </summary>
    private const int FirstWithdrawalChanges = 3;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>One pass of the README's commands; checks each exit code and the end state; returns the items and what rescreen reported.</summary>
    private (List<JsonElement> Items, int Changed) Sequence(string storage, int run)
    {
        var at = $"run {run}";
        Ok(at, CommandLineRun.Of("consent", "import", Path.Combine(_folder, "consent.csv"), "--storage", storage));
        var upload = Ok(at, CommandLineRun.Of("upload", Path.Combine(_folder, "uploads"), "--storage", storage));
        Assert.Contains("Uploaded 10 file(s)", upload.Console, StringComparison.Ordinal);
        var screen = Ok(at, CommandLineRun.Of("screen", "--storage", storage, "--json"));
        Assert.Equal(10, StorageAccount.Lines(screen.Out).Count);
        Ok(at, CommandLineRun.Of("items", "--storage", storage));
        Ok(at, CommandLineRun.Of("consent", "withdraw", "de-wilg", "LL-1001", "--storage", storage));
        var recorded = RescreenDecisions(storage, at);

        var rescreen = Ok(at, CommandLineRun.Of("rescreen", "--storage", storage));

        var report = ChangedReport().Match(rescreen.Console);
        Assert.True(report.Success, $"{at}: rescreen printed {rescreen.Console}");
        var changed = int.Parse(report.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(RescreenDecisions(storage, at) - recorded == changed, $"{at}: rescreen reports {changed} change(s), the audit trail {RescreenDecisions(storage, at) - recorded}");
        var items = StorageAccount.Lines(Ok(at, CommandLineRun.Of("items", "--storage", storage, "--json")).Out);
        var emma = items.Where(i => i.GetProperty("subjects").EnumerateArray().Any(s => s.GetString() == "LL-1001")).ToList();
        Assert.True(emma.Count >= 3 * items.Count / 10, $"{at}: only {emma.Count} item(s) name LL-1001");
        Assert.All(emma, i => Assert.True(
            i.GetProperty("state").GetString() == "quarantined" && i.GetProperty("reasons").EnumerateArray().Any(r => r.GetProperty("code").GetString() == "consent-withdrawn"),
            $"{at}: {i}"));

        // What is in approved is exactly the published items, each under a name of its own.
        var published = items.Count(i => i.GetProperty("state").GetString() is "approved" or "redacted");
        var approved = new BlobContainerClient(storage, "approved").GetBlobs().Select(b => b.Name).ToList();
        Assert.True(approved.Count == published, $"{at}: {approved.Count} blob(s) in approved for {published} published item(s)");
        Assert.DoesNotContain(approved, n => n.StartsWith("de-wilg/sportdag/estafette", StringComparison.Ordinal) || n.StartsWith("de-wilg/musical/uitvoering", StringComparison.Ordinal));
        return (items, changed);
    }

    private static CommandLineRun Ok(string at, CommandLineRun run)
    {
        Assert.True(run.ExitCode == 0, $"{at}: exit code {run.ExitCode}\n{run.Error}\n{run.Console}");
        return run;
    }

    /// <summary>Decisions with trigger rescreen in the audit trail (yesterday to tomorrow, wherever the clock is).</summary>
    private static int RescreenDecisions(string storage, string at)
    {
        var today = DateTime.UtcNow;
        var audit = Ok(at, CommandLineRun.Of(
            "audit", "export", "--storage", storage,
            "--from", today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--to", today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        var rows = audit.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var trigger = Array.IndexOf(rows[0].Split(','), "trigger");
        Assert.True(trigger >= 0, $"{at}: the audit has no trigger column: {rows[0]}");
        return rows.Skip(1).Count(r => r.Split(',')[trigger] == "rescreen");
    }


    [GeneratedRegex(@"Processed \d+ re-screen\(s\): (\d+) item\(s\) decided again \(outcome, channels or reasons changed\)\.")]
    private static partial Regex ChangedReport();
}
