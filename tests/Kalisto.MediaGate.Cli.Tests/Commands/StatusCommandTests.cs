using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary><c>mediagate status</c> on the demo set in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StatusCommandTests : IDisposable
{
    private readonly string _storage;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-status-").FullName;

    public StatusCommandTests(Azurite azurite)
    {
        _storage = azurite.ConnectionString;
        StorageAccount.Empty(_storage);
    }

    [Fact]
    public void Status_counts_items_per_state_queues_waiting_uploads_owed_re_screens_and_the_last_run()
    {
        DemoAccount.Seed(_storage, _folder);
        new BlobContainerClient(_storage, "uploads").UploadBlob("het-anker/nieuw/foto.jpg", BinaryData.FromString("not screened yet"));
        var poison = new QueueClient(_storage, "rescreen-poison");
        poison.Create();
        poison.SendMessage("e30=");

        var status = StorageAccount.Lines(DemoAccount.Run("status", "--storage", _storage, "--json").Out).Single();

        Assert.Equal(
            ["de-wilg approved 3", "de-wilg quarantined 3", "de-wilg redacted 1", "het-anker approved 1", "het-anker quarantined 2"],
            status.GetProperty("items").EnumerateArray().Select(c => $"{c.GetProperty("school").GetString()} {c.GetProperty("state").GetString()} {c.GetProperty("count").GetInt32()}"));
        Assert.Equal(
            ["redact 0", "redact-poison 0", "rescreen 7", "rescreen-poison 1", "previews 0", "previews-poison 0", "webjobs-blobtrigger-poison 0"],
            status.GetProperty("queues").EnumerateArray().Select(q => $"{q.GetProperty("name").GetString()} {q.GetProperty("messages").GetInt32()}"));
        Assert.Equal(1, status.GetProperty("uploads").GetProperty("waiting").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", status.GetProperty("uploads").GetProperty("oldest").GetString());
        Assert.Equal(7, status.GetProperty("rescreensOwed").GetInt32());
        Assert.False(status.TryGetProperty("lastDailyRun", out _));

        DemoAccount.Run("rescreen", "--storage", _storage);
        DemoAccount.Run("expire", "--storage", _storage);
        var after = StorageAccount.Lines(DemoAccount.Run("status", "--storage", _storage, "--json").Out).Single();
        Assert.Equal(0, after.GetProperty("rescreensOwed").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\d$", after.GetProperty("lastDailyRun").GetProperty("day").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", after.GetProperty("lastDailyRun").GetProperty("at").GetString());
    }

    [Fact]
    public void Status_of_one_school_counts_only_its_items_uploads_and_re_screens()
    {
        DemoAccount.Seed(_storage, _folder);
        new BlobContainerClient(_storage, "uploads").UploadBlob("de-wilg/nieuw/foto.jpg", BinaryData.FromString("not screened yet"));

        var json = StorageAccount.Lines(DemoAccount.Run("status", "--storage", _storage, "--school", "het-anker", "--json").Out).Single();
        var table = DemoAccount.Run("status", "--storage", _storage, "--school", "het-anker");

        Assert.All(json.GetProperty("items").EnumerateArray(), c => Assert.Equal("het-anker", c.GetProperty("school").GetString()));
        Assert.Equal(0, json.GetProperty("uploads").GetProperty("waiting").GetInt32());
        Assert.Equal(2, json.GetProperty("rescreensOwed").GetInt32());
        Assert.Contains("het-anker", table.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("de-wilg", table.Console, StringComparison.Ordinal);
        Assert.Contains("Uploads waiting: 0.", table.Console, StringComparison.Ordinal);
        Assert.Contains("Last daily run: never", table.Console, StringComparison.Ordinal);
        Assert.Contains("rescreen-poison", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_school_is_a_usage_error()
    {
        DemoAccount.Seed(_storage, _folder);

        var run = CommandLineRun.Of("status", "--storage", _storage, "--school", "de-eik", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no school 'de-eik' in the register", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
