using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Kalisto.MediaGate.Cli.Commands;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Cli.Tests.Commands;

/// <summary><c>mediagate download</c>: what a channel may have, as files with a manifest, on the demo set in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DownloadCommandTests : IDisposable
{
    private readonly string _storage;
    private readonly string _folder = Directory.CreateTempSubdirectory("mediagate-download-").FullName;
    private readonly string _to;

    public DownloadCommandTests(Azurite azurite)
    {
        _storage = azurite.ConnectionString;
        _to = Path.Combine(_folder, "website");
        StorageAccount.Empty(_storage);
    }

    [Fact]
    public void The_items_approved_for_the_channel_are_written_with_a_manifest_and_a_second_run_skips_them()
    {
        DemoAccount.Seed(_storage, _folder);

        var run = DemoAccount.Run("download", "--storage", _storage, "--channel", "website", "--to", _to);
        var again = DemoAccount.Run("download", "--storage", _storage, "--channel", "website", "--to", _to);

        Assert.Contains("5 approved item(s) for website downloaded", run.Console, StringComparison.Ordinal);
        Assert.Contains("(5 new, 0 already there)", run.Console, StringComparison.Ordinal);
        Assert.Contains("(0 new, 5 already there)", again.Console, StringComparison.Ordinal);
        var files = Directory.GetFiles(_to, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_to, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal([.. DemoAccount.WebsitePaths, "manifest.csv"], files);
        var approved = new BlobContainerClient(_storage, "approved");
        var manifest = File.ReadAllLines(Path.Combine(_to, "manifest.csv"));
        Assert.Equal("path,channel,channels,item,decided_at,sha256", manifest[0]);
        Assert.Equal(DemoAccount.WebsitePaths.Length, manifest.Length - 1);
        foreach (var (path, row) in DemoAccount.WebsitePaths.Zip(manifest.Skip(1)))
        {
            var content = File.ReadAllBytes(Path.Combine(_to, path));
            var copy = approved.GetBlobClient(path);
            Assert.Equal(copy.DownloadContent().Value.Content.ToArray(), content);
            var fields = row.Split(',');
            Assert.Equal([path, "website"], fields[..2]);
            Assert.Equal(copy.GetProperties().Value.Metadata["mediagate_item"], fields[3]);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), fields[5]);
        }

        Assert.Contains(manifest, r => r.StartsWith("de-wilg/musical/uitvoering.mp4,website,parentportal;website,", StringComparison.Ordinal));
        Assert.DoesNotContain("Emma", string.Join('\n', manifest), StringComparison.Ordinal);
    }

    [Fact]
    public void A_school_and_a_path_narrow_what_is_downloaded()
    {
        DemoAccount.Seed(_storage, _folder);

        var run = DemoAccount.Run("download", "--storage", _storage, "--channel", "socialmedia", "--to", _to, "--school", "de-wilg", "--path", "de-wilg/sportdag");

        Assert.Contains("2 approved item(s) for socialmedia downloaded", run.Console, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_to, "de-wilg", "sportdag", "estafette.jpg")));
        Assert.True(File.Exists(Path.Combine(_to, "de-wilg", "sportdag", "finish.jpg")));
        Assert.False(Directory.Exists(Path.Combine(_to, "de-wilg", "groep8")));
    }

    [Fact]
    public void A_different_file_in_the_way_is_kept_and_reported()
    {
        DemoAccount.Seed(_storage, _folder);
        var mine = Path.Combine(_to, "de-wilg", "groep8", "lege-gang.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.WriteAllText(mine, "my own photo");

        var run = CommandLineRun.Of("download", "--storage", _storage, "--channel", "website", "--to", _to);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("my own photo", File.ReadAllText(mine));
        Assert.Contains("de-wilg/groep8/lege-gang.jpg: a different file is already there, not its approved copy; it was not overwritten", run.Error, StringComparison.Ordinal);
        Assert.Contains("4 approved item(s) for website downloaded", run.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("lege-gang", File.ReadAllText(Path.Combine(_to, "manifest.csv")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_to, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_file_of_another_item_under_the_path_leaves_the_manifest_and_is_reported()
    {
        DemoAccount.Seed(_storage, _folder);
        DemoAccount.Run("download", "--storage", _storage, "--channel", "website", "--to", _to);
        var manifest = Path.Combine(_to, "manifest.csv");
        var other = new string('0', 32);
        var rows = File.ReadAllLines(manifest).Select(r => r.Split(',')).ToList();
        rows.Single(f => f[0] == "de-wilg/groep8/lege-gang.jpg")[3] = other; // the file was another item's
        File.WriteAllLines(manifest, rows.Select(f => string.Join(',', f)));
        File.WriteAllText(Path.Combine(_to, "de-wilg", "groep8", "lege-gang.jpg"), "an earlier upload under this name");

        var run = CommandLineRun.Of("download", "--storage", _storage, "--channel", "website", "--to", _to);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("de-wilg/groep8/lege-gang.jpg: a different file is already there", run.Error, StringComparison.Ordinal);
        Assert.Contains("de-wilg/groep8/lege-gang.jpg is no longer approved for website: do not publish it", run.Console, StringComparison.Ordinal);
        Assert.DoesNotContain(other, File.ReadAllText(manifest), StringComparison.Ordinal);
        Assert.Equal(4, File.ReadAllLines(manifest).Length - 1);
    }

    [Fact]
    public async Task A_withdrawal_committed_while_the_copy_is_read_is_not_downloaded_past()
    {
        DemoAccount.Seed(_storage, _folder);
        await using var session = await StorageSession.OpenAsync(_storage, snapshotRegister: false, CancellationToken.None);
        var copies = session.Get<PublishedCopies>();
        var items = await session.Get<ItemCatalog>().ListAsync("het-anker", CancellationToken.None);
        var zoo = items.Single(i => i.Location == "het-anker/excursie/dierentuin.jpg");
        var copy = await copies.FindAsync(zoo, "website", CancellationToken.None);
        Assert.NotNull(copy);
        using (var unchanged = new MemoryStream())
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new BlobContainerClient(_storage, "approved").GetBlobClient(copy.Name).DownloadContent().Value.Content.ToArray())), await copies.DownloadAsync(copy, "website", unchanged, CancellationToken.None));
        }

        using var racing = new WithdrawingStream(() =>
        {
            DemoAccount.Run("consent", "withdraw", "het-anker", "LL-2001", "--storage", _storage);
            DemoAccount.Run("rescreen", "--storage", _storage, "--school", "het-anker");
        });
        var sha = await copies.DownloadAsync(copy, "website", racing, CancellationToken.None);

        Assert.True(racing.Withdrawn);
        Assert.Null(sha);
        Assert.Null(await copies.FindAsync((await session.Get<ItemCatalog>().GetAsync("het-anker", zoo.ItemId, CancellationToken.None))!.State, "website", CancellationToken.None));
    }

    [Fact]
    public void A_copy_that_carries_another_item_or_lacks_the_channel_is_not_downloaded()
    {
        DemoAccount.Seed(_storage, _folder);
        var approved = new BlobContainerClient(_storage, "approved");
        var estafette = approved.GetBlobClient("de-wilg/sportdag/estafette.jpg");
        var metadata = estafette.GetProperties().Value.Metadata;
        metadata["mediagate_item"] = new string('0', 32);
        estafette.SetMetadata(metadata);
        var video = approved.GetBlobClient("de-wilg/musical/uitvoering.mp4");
        var channels = video.GetProperties().Value.Metadata;
        channels["mediagate_channels"] = "parentportal";
        video.SetMetadata(channels);

        var run = CommandLineRun.Of("download", "--storage", _storage, "--channel", "website", "--to", _to);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("de-wilg/sportdag/estafette.jpg: its copy in approved is not in place for website", run.Error, StringComparison.Ordinal);
        Assert.Contains("de-wilg/musical/uitvoering.mp4: its copy in approved is not in place for website", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_to, "de-wilg", "sportdag", "estafette.jpg")));
        Assert.False(File.Exists(Path.Combine(_to, "de-wilg", "musical", "uitvoering.mp4")));
        Assert.Contains("3 approved item(s) for website downloaded", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_withdrawal_the_item_is_not_downloaded_again_and_leaves_the_manifest()
    {
        DemoAccount.Seed(_storage, _folder);
        DemoAccount.Run("download", "--storage", _storage, "--channel", "website", "--to", _to);
        DemoAccount.Run("consent", "withdraw", "het-anker", "LL-2001", "--storage", _storage);
        DemoAccount.Run("rescreen", "--storage", _storage);

        var run = DemoAccount.Run("download", "--storage", _storage, "--channel", "website", "--to", _to);

        Assert.Contains("het-anker/excursie/dierentuin.jpg is no longer approved for website: do not publish it", run.Console, StringComparison.Ordinal);
        Assert.Contains("4 approved item(s) for website downloaded", run.Console, StringComparison.Ordinal);
        Assert.DoesNotContain("dierentuin", File.ReadAllText(Path.Combine(_to, "manifest.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_channel_or_an_unknown_school_is_a_usage_error_and_writes_nothing()
    {
        DemoAccount.Seed(_storage, _folder);

        var channel = CommandLineRun.Of("download", "--storage", _storage, "--channel", "tiktok", "--to", _to);
        var school = CommandLineRun.Of("download", "--storage", _storage, "--channel", "website", "--to", _to, "--school", "de-eik");
        var missing = CommandLineRun.Of("download", "--storage", _storage, "--to", _to);

        Assert.Equal(2, channel.ExitCode);
        Assert.Contains("'tiktok' is not a channel", channel.Error, StringComparison.Ordinal);
        Assert.Equal(2, school.ExitCode);
        Assert.Contains("no school 'de-eik'", school.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--channel", missing.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_to));
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "not a folder");
        var notFolder = CommandLineRun.Of("download", "--storage", _storage, "--channel", "website", "--to", file);
        Assert.Equal(2, notFolder.ExitCode);
        Assert.Contains("--to is a file, not a folder", notFolder.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.jpg")]
    [InlineData("de-wilg/../../outside.jpg")]
    [InlineData("de-wilg/./a.jpg")]
    [InlineData("de-wilg\\..\\..\\outside.jpg")]
    [InlineData("/etc/passwd")]
    [InlineData("de-wilg//a.jpg")]
    [InlineData("de-wilg/C:a.jpg")]
    [InlineData("de-wilg/a\u0001.jpg")]
    [InlineData("a.jpg")]
    public void A_path_that_would_leave_the_folder_is_refused(string location)
    {
        Assert.Null(DownloadCommand.Target(_folder, location));
    }

    [Fact]
    public void A_path_below_the_folder_is_kept_as_it_is()
    {
        Assert.Equal(Path.Combine(_folder, "de-wilg", "sport dag", "..foto.jpg"), DownloadCommand.Target(_folder, "de-wilg/sport dag/..foto.jpg"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A download destination that commits a withdrawal (and its re-screen) on the first bytes it is given.</summary>
    private sealed class WithdrawingStream(Action withdraw) : MemoryStream
    {
        public bool Withdrawn { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Withdrawn)
            {
                Withdrawn = true;
                await Task.Run(withdraw, cancellationToken);
            }

            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
