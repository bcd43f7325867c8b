using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary><c>mediagate items</c> with its filters, on the demo set in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ItemsCommandTests : IDisposable
{
    private readonly string _storage;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-items-").FullName;

    public ItemsCommandTests(Azurite azurite)
    {
        _storage = azurite.ConnectionString;
        StorageAccount.Empty(_storage);
    }

    [Fact]
    public void State_channel_path_and_school_filters_select_the_items()
    {
        DemoAccount.Seed(_storage, _folder);

        Assert.Equal(DemoAccount.ApprovedPaths, Paths("--state", "approved"));
        Assert.Equal(["de-wilg/groep8/lege-gang.jpg", "de-wilg/sportdag/estafette.jpg", "de-wilg/sportdag/finish.jpg"], Paths("--channel", "socialmedia"));
        Assert.Equal(["de-wilg/sportdag/finish.jpg"], Paths("--state", "redacted"));
        Assert.Equal(["de-wilg/musical/kapot.jpg", "de-wilg/musical/uitvoering.mp4"], Paths("--path", "de-wilg/musical/"));
        Assert.Equal(["het-anker/excursie/bus.jpg", "het-anker/excursie/onbekend.jpg"], Paths("--school", "HET-ANKER", "--state", "quarantined"));
        Assert.Equal(["de-wilg/musical/uitvoering.mp4"], Paths("--channel", "Website", "--path", "de-wilg/musical"));
        Assert.Empty(Paths("--state", "screening"));
        var table = DemoAccount.Run("items", "--storage", _storage, "--state", "approved", "--channel", "newsletter");
        Assert.Contains("3 item(s).", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_of_an_image_decided_with_its_faces_carries_the_face_check_and_a_video_none()
    {
        DemoAccount.Seed(_storage, _folder);

        var lines = DemoAccount.Run("items", "--storage", _storage, "--json", "--path", "de-wilg/musical/").Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(l => l.GetProperty("path").GetString()!);
        var approved = DemoAccount.Run("items", "--storage", _storage, "--json", "--state", "approved").Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();

        Assert.False(lines["de-wilg/musical/uitvoering.mp4"].TryGetProperty("faces", out _)); // videos are decided by their tags
        var image = approved.First(l => l.GetProperty("path").GetString()!.EndsWith(".jpg", StringComparison.Ordinal));
        var faces = image.GetProperty("faces");
        Assert.Equal(0, faces.GetProperty("unidentified").GetInt32());
        Assert.True(faces.GetProperty("detected").GetInt32() >= 0);
        Assert.All(approved, l => Assert.False(l.TryGetProperty("awaitsFaces", out _)));
    }

    [Fact]
    public void A_bad_state_is_a_usage_error_that_lists_the_states()
    {
        var run = CommandLineRun.Of("items", "--storage", _storage, "--state", "published");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("published", run.Error, StringComparison.Ordinal);
        Assert.All(["approved", "quarantined", "redacted", "screening"], s => Assert.Contains(s, run.Error, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_channel_is_a_usage_error_that_lists_the_channels()
    {
        var run = CommandLineRun.Of("items", "--storage", _storage, "--channel", "tiktok");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'tiktok' is not a channel; the channels are newsletter, parentportal, schoolguide, socialmedia, website", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public void An_unknown_school_is_a_usage_error_that_lists_the_schools()
    {
        DemoAccount.Seed(_storage, _folder);

        var run = CommandLineRun.Of("items", "--storage", _storage, "--school", "de-eik", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no school 'de-eik' in the register; the schools are de-wilg, het-anker", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private List<string?> Paths(params string[] filters) =>
        [.. StorageAccount.Lines(DemoAccount.Run(["items", "--storage", _storage, "--json", .. filters]).Out).Select(i => i.GetProperty("path").GetString())];
}
