using Azure.Storage.Queues;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary><c>mediagate expire</c>: the daily run on demand, on the demo set in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExpireCommandTests : IDisposable
{
    private readonly string _storage;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-expire-").FullName;

    public ExpireCommandTests(Azurite azurite)
    {
        _storage = azurite.ConnectionString;
        StorageAccount.Empty(_storage);
    }

    [Fact]
    public void A_run_after_the_school_year_takes_expired_items_out_of_approved_and_counts_what_it_did()
    {
        DemoAccount.Seed(_storage, _folder); // the import's seven re-screens are still owed

        var run = DemoAccount.Run("expire", "--storage", _storage, "--now", "2027-08-01", "--json");

        var line = Assert.Single(StorageAccount.Lines(run.Out));
        Assert.Equal("2027-07-31", line.GetProperty("since").GetString()); // the first run looks back one day
        Assert.Equal("2027-08-01", line.GetProperty("day").GetString());
        Assert.Equal(6, line.GetProperty("datesPassed").GetInt32()); // every record that ended on 2027-07-31
        Assert.Equal(7, line.GetProperty("requeued").GetInt32());
        Assert.Equal(5, line.GetProperty("reconciled").GetInt32()); // four leave approved or redacted, klassenfoto gets new reasons
        Assert.Equal(20, line.GetProperty("rescreened").GetInt32()); // the import's 7 messages, the 6 dates, the 7 queued again
        Assert.Equal(0, line.GetProperty("rescreenMoved").GetInt32()); // the reconciliation had settled them already
        Assert.Equal(0, line.GetProperty("rescreenFailed").GetInt32());
        var items = StorageAccount.Lines(DemoAccount.Run("items", "--storage", _storage, "--json", "--state", "approved").Out);
        Assert.Equal(["de-wilg/groep8/lege-gang.jpg"], items.Select(i => i.GetProperty("path").GetString())); // no people: no consent to expire
        var estafette = StorageAccount.Lines(DemoAccount.Run("items", "--storage", _storage, "--json", "--path", "de-wilg/sportdag/estafette").Out).Single();
        Assert.Equal("consent-expired", estafette.GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal(0, new QueueClient(_storage, "rescreen").GetProperties().Value.ApproximateMessagesCount); // nothing left for rescreen
    }

    [Fact]
    public void A_second_run_for_the_same_day_finds_nothing_new_and_says_nothing_is_left_to_rescreen()
    {
        DemoAccount.Seed(_storage, _folder);
        DemoAccount.Run("expire", "--storage", _storage, "--now", "2027-08-01");

        var again = DemoAccount.Run("expire", "--storage", _storage, "--now", "2027-08-01");

        Assert.Matches(@"subjects whose dates passed after 2027-08-01 up to 2027-08-01, queued\s*│\s*0", again.Console);
        Assert.Matches(@"items newly decided by the reconciliation\s*│\s*0", again.Console);
        Assert.Contains("nothing is left for mediagate rescreen", again.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_for_today_changes_nothing_the_register_still_allows()
    {
        DemoAccount.Seed(_storage, _folder);

        var run = DemoAccount.Run("expire", "--storage", _storage, "--json");

        var line = Assert.Single(StorageAccount.Lines(run.Out));
        Assert.Equal(0, line.GetProperty("reconciled").GetInt32());
        Assert.Equal(DemoAccount.ApprovedPaths, StorageAccount.Lines(DemoAccount.Run("items", "--storage", _storage, "--json", "--state", "approved").Out).Select(i => i.GetProperty("path").GetString()));
    }

    [Fact]
    public void A_day_before_the_last_run_or_a_bad_date_is_a_usage_error()
    {
        DemoAccount.Run("expire", "--storage", _storage, "--now", "2027-08-01");

        var earlier = CommandLineRun.Of("expire", "--storage", _storage, "--now", "2027-07-01");
        var bad = CommandLineRun.Of("expire", "--storage", _storage, "--now", "2027-13-01");

        Assert.Equal(2, earlier.ExitCode);
        Assert.Contains("--now 2027-07-01 is before the last run (2027-08-01)", earlier.Error, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'2027-13-01' is not a date yyyy-MM-dd", bad.Error, StringComparison.Ordinal);
        var status = StorageAccount.Lines(DemoAccount.Run("status", "--storage", _storage, "--json").Out).Single();
        Assert.Equal("2027-08-01", status.GetProperty("lastDailyRun").GetProperty("day").GetString());
    }

    [Fact]
    public void Now_is_refused_on_storage_that_is_not_on_this_machine()
    {
        var key = Convert.ToBase64String(new byte[64]);

        var run = CommandLineRun.Of("expire", "--storage", $"DefaultEndpointsProtocol=https;AccountName=kalisto;AccountKey={key};EndpointSuffix=core.windows.net", "--now", "2027-08-01");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--now is only for a storage account on this machine (Azurite)", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
