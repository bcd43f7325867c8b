using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

[Collection(AzuriteCollection.Name)]
public sealed class UploadGrantsTests(Azurite azurite)
{
    private const string Teacher = "0b7f3c1e-2f43-4a57-9d7e-111111111111";
    private const string OtherTeacher = "0b7f3c1e-2f43-4a57-9d7e-222222222222";

    // The SAS is checked by Azurite against the real time, so the grants are made at it.
    private readonly FixedClock _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Granted_url_uploads_exactly_that_blob_in_one_put_with_the_uploader_metadata()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;

        var grant = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");
        await UploadAsync(grant, "a photo"u8.ToArray());

        Assert.Equal("de-wilg/sportdag/emma.jpg", grant.UploadPath);
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Uploads.NamesAsync());
        var properties = (await storage.Uploads.GetBlobClient(grant.UploadPath).GetPropertiesAsync()).Value;
        Assert.Equal(Teacher, properties.Metadata[UploadGrants.UploaderMetadata]);
        Assert.Equal(BlobType.Block, properties.BlobType);
        Assert.Equal("BlockBlob", grant.Headers["x-ms-blob-type"]);
        Assert.Equal(_clock.Now.AddMinutes(15), grant.ExpiresOn);
        Assert.Contains("sp=c&", grant.Url.Query + "&", StringComparison.Ordinal);
    }

    /// <remarks>
    /// Azurite (3.37) lets a create-only SAS do Put Blob of a blob that does not exist, and nothing else that writes:
    /// Put Block and Put Block List need the write permission there. Azure allows them with the create permission of a
    /// user delegation SAS of a recent service version (the SDK signs with its latest); that is not tested here. So this
    /// test pins what Azurite enforces: staged blocks are refused, and a file of megabytes goes up in one Put Blob.
    /// </remarks>
    [Fact]
    public async Task On_azurite_a_large_file_goes_up_in_one_put_and_staged_blocks_are_refused()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        var grant = await GrantAsync(services, "de-wilg", "film", "musical.mp4");
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);

        var blocks = new BlockBlobClient(grant.Url);
        var staged = await Assert.ThrowsAsync<RequestFailedException>(() => blocks.StageBlockAsync(Convert.ToBase64String(BitConverter.GetBytes(0)), new MemoryStream(content, 0, 1024 * 1024)));
        var committed = await Assert.ThrowsAsync<RequestFailedException>(() => blocks.CommitBlockListAsync([], new CommitBlockListOptions { Metadata = Metadata(grant) }));
        await blocks.UploadAsync(new MemoryStream(content), new BlobUploadOptions { Metadata = Metadata(grant) }); // one Put Blob

        Assert.Equal((403, 403), (staged.Status, committed.Status));
        Assert.Equal(["de-wilg/film/musical.mp4"], await storage.Uploads.NamesAsync());
        Assert.Equal(content, await storage.Uploads.ReadAsync("de-wilg/film/musical.mp4"));
        Assert.Equal(Teacher, (await storage.Uploads.GetBlobClient("de-wilg/film/musical.mp4").GetPropertiesAsync()).Value.Metadata["uploader"]);
    }

    [Theory]
    [InlineData("de-wilg/sportdag/other.jpg")]
    [InlineData("de-wilg/emma.jpg")]
    [InlineData("het-anker/sportdag/emma.jpg")]
    [InlineData("de-wilg/sportdag/emma.jpg/more.jpg")]
    public async Task Granted_url_cannot_create_another_name(string other)
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        var grant = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");

        var elsewhere = new BlobClient(new Uri($"{storage.Uploads.Uri.AbsoluteUri}/{other}{grant.Url.Query}"));
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => elsewhere.UploadAsync(new BinaryData("x"u8.ToArray())));

        Assert.Equal(403, refused.Status);
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Fact]
    public async Task Granted_url_cannot_read_list_or_delete()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        var grant = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");
        await UploadAsync(grant, "a photo"u8.ToArray());
        var blob = new BlobClient(grant.Url);
        var container = new BlobContainerClient(new Uri($"{storage.Uploads.Uri.AbsoluteUri}{grant.Url.Query}"));

        Assert.Equal(403, (await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync())).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync())).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<RequestFailedException>(() => blob.DeleteAsync())).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<RequestFailedException>(async () => await container.GetBlobsAsync().AsPages().FirstAsync())).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<RequestFailedException>(() => blob.SetMetadataAsync(new Dictionary<string, string> { ["uploader"] = OtherTeacher }))).Status);
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Uploads.NamesAsync());
    }

    [Fact]
    public async Task Granted_url_cannot_overwrite_the_blob_it_created()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        var grant = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");
        await UploadAsync(grant, "the photo"u8.ToArray());

        var again = new BlobClient(grant.Url);
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => again.UploadAsync(new BinaryData("another"u8.ToArray()), overwrite: true));

        Assert.Equal(403, refused.Status);
        Assert.Equal("the photo"u8.ToArray(), await storage.Uploads.ReadAsync("de-wilg/sportdag/emma.jpg"));
    }

    [Fact]
    public async Task Expired_url_is_refused()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        var (grant, refusals) = await services.GetRequiredService<UploadGrants>()
            .GrantAsync("de-wilg", null, "late.jpg", Teacher, TimeSpan.FromMinutes(-1), CancellationToken.None);

        Assert.Empty(refusals);
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => UploadAsync(grant!, "late"u8.ToArray()));
        Assert.Equal(403, refused.Status);
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Theory]
    [InlineData(null, "../emma.jpg", "file_name")]
    [InlineData(null, "sportdag/emma.jpg", "file_name")]
    [InlineData(null, "..", "file_name")]
    [InlineData(null, "emma.jpg.", "file_name")]
    [InlineData(null, "em\u0000ma.jpg", "file_name")]
    [InlineData(null, "  ", "file_name")]
    [InlineData("../het-anker", "emma.jpg", "folder")]
    [InlineData("sportdag/./dag1", "emma.jpg", "folder")]
    [InlineData("sportdag\\dag1", "emma.jpg", "folder")]
    public async Task Names_screening_would_refuse_get_no_url(string? folder, string fileName, string field)
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;

        var (grant, refusals) = await services.GetRequiredService<UploadGrants>().GrantAsync("de-wilg", folder, fileName, Teacher, CancellationToken.None);

        Assert.Null(grant);
        Assert.Contains(refusals, r => r.Field == field && r.Message.Length > 0);
        Assert.Empty(await services.GetRequiredService<UploadLedger>().UploadsOfAsync("de-wilg", Teacher, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Folder_is_normalised_below_the_school_from_the_address()
    {
        var (_, services) = await NewAsync();
        await using var __ = services;

        var grant = await GrantAsync(services, "De-Wilg", " /sportdag// dag 1 /", " emma.jpg ");

        Assert.Equal("de-wilg/sportdag/dag 1/emma.jpg", grant.UploadPath);
        Assert.Equal("de-wilg", grant.Record.School);
    }

    [Fact]
    public async Task A_name_that_waits_or_has_a_live_url_gets_a_free_name_beside_it()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        await storage.Uploads.UploadAsync("de-wilg/sportdag/emma.jpg", "waiting"u8.ToArray());

        var second = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");
        var third = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg", OtherTeacher);

        Assert.Equal("de-wilg/sportdag/emma (2).jpg", second.UploadPath); // a blob waits under the name
        Assert.Equal("de-wilg/sportdag/emma (3).jpg", third.UploadPath); // (2) has a live URL
        Assert.Equal("emma.jpg", third.Record.FileName);
    }

    [Fact]
    public async Task A_name_whose_url_expired_unused_is_given_again()
    {
        var (_, services) = await NewAsync();
        await using var __ = services;
        var first = await GrantAsync(services, "de-wilg", null, "emma.jpg");
        _clock.Now = first.ExpiresOn;

        var again = await GrantAsync(services, "de-wilg", null, "emma.jpg", OtherTeacher);

        Assert.Equal(first.UploadPath, again.UploadPath);
        var ledger = services.GetRequiredService<UploadLedger>();
        Assert.Equal(OtherTeacher, (await ledger.UploaderOfAsync("de-wilg", "de-wilg/emma.jpg", null, CancellationToken.None))!.UserId);
        Assert.Equal(Teacher, (await ledger.UploaderOfAsync("de-wilg", "de-wilg/emma.jpg", first.ExpiresOn.AddTicks(-1), CancellationToken.None))!.UserId);
        Assert.Null(await ledger.UploaderOfAsync("de-wilg", "de-wilg/emma.jpg", first.Record.GrantedAt.AddTicks(-1), CancellationToken.None));
    }

    [Fact]
    public async Task My_uploads_go_from_waiting_to_the_screened_outcome_and_list_no_one_elses()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        await Pipelines.ImportPeopleAsync(services);
        var history = services.GetRequiredService<UploadHistory>();
        var emma = await GrantAsync(services, "de-wilg", "sportdag", "emma.jpg");
        _clock.Now = _clock.Now.AddSeconds(1);
        var untagged = await GrantAsync(services, "de-wilg", "sportdag", "IMG_0001.jpg");
        _clock.Now = _clock.Now.AddSeconds(1);
        var others = await GrantAsync(services, "de-wilg", "sportdag", "noah.jpg", OtherTeacher);
        await UploadAsync(emma, await File.ReadAllBytesAsync(TestData.File("xmp-dc-subject.jpg")));

        var before = await history.UploadsOfAsync("de-wilg", Teacher, CancellationToken.None);

        Assert.Equal([untagged.UploadPath, emma.UploadPath], before.Select(u => u.Grant.UploadPath));
        Assert.All(before, u => Assert.Equal("waiting", u.StateName)); // uploaded, not screened yet; not uploaded

        _clock.Now = _clock.Now.AddSeconds(1);
        await UploadAsync(untagged, await File.ReadAllBytesAsync(TestData.File("untagged.jpg")));
        await UploadAsync(others, await File.ReadAllBytesAsync(TestData.File("untagged.jpg")));
        var screening = services.GetRequiredService<UploadScreening>();
        foreach (var name in new[] { emma.UploadPath, untagged.UploadPath, others.UploadPath })
        {
            await screening.ScreenAsync(name, CancellationToken.None);
        }

        // The photo the tags would publish waits for its faces: then it is decided.
        Assert.Equal("screening", (await history.UploadsOfAsync("de-wilg", Teacher, CancellationToken.None))[1].StateName);
        await Pipelines.DrainImagingAsync(services, storage);
        var after = await history.UploadsOfAsync("de-wilg", Teacher, CancellationToken.None);

        Assert.Equal([("de-wilg/sportdag/IMG_0001.jpg", "quarantined"), ("de-wilg/sportdag/emma.jpg", "approved")], after.Select(u => (u.Grant.UploadPath, u.StateName)));
        Assert.Equal(["untagged"], after[0].Item!.Reasons.Select(r => r.Code));
        Assert.Contains("website", after[1].Item!.Channels);
        Assert.True(await history.IsUploaderAsync(after[1].Item!, Teacher, CancellationToken.None));
        Assert.False(await history.IsUploaderAsync(after[1].Item!, OtherTeacher, CancellationToken.None));
        var theirs = Assert.Single(await history.UploadsOfAsync("de-wilg", OtherTeacher, CancellationToken.None));
        Assert.Equal(("de-wilg/sportdag/noah.jpg", "quarantined"), (theirs.Grant.UploadPath, theirs.StateName));
        Assert.Empty(await history.UploadsOfAsync("het-anker", Teacher, CancellationToken.None));
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Fact]
    public async Task The_same_name_granted_again_later_gets_the_later_item()
    {
        var (_, services) = await NewAsync();
        await using var _ = services;
        await Pipelines.ImportPeopleAsync(services);
        var history = services.GetRequiredService<UploadHistory>();
        var screening = services.GetRequiredService<UploadScreening>();
        var first = await GrantAsync(services, "de-wilg", null, "foto.jpg");
        await UploadAsync(first, await File.ReadAllBytesAsync(TestData.File("untagged.jpg")));
        _clock.Now = _clock.Now.AddSeconds(1);
        var firstItem = await screening.ScreenAsync(first.UploadPath, CancellationToken.None);

        // The blob is gone once screened, so the name is free again once the first URL expired.
        _clock.Now = first.ExpiresOn.AddSeconds(1);
        var second = await GrantAsync(services, "de-wilg", null, "foto.jpg", OtherTeacher);
        var third = await GrantAsync(services, "de-wilg", null, "foto.jpg");
        var seen = await history.UploadsOfAsync("de-wilg", Teacher, CancellationToken.None);

        Assert.Equal(first.UploadPath, second.UploadPath);
        Assert.Equal("de-wilg/foto (2).jpg", third.UploadPath); // foto.jpg has a live URL (the other teacher's)
        Assert.Equal([(third.UploadPath, "waiting"), (first.UploadPath, "quarantined")], seen.Select(u => (u.Grant.UploadPath, u.StateName)));
        Assert.Equal(firstItem!.Key, seen[1].Item!.Key);
        Assert.Equal("waiting", Assert.Single(await history.UploadsOfAsync("de-wilg", OtherTeacher, CancellationToken.None)).StateName);
        Assert.False(await history.IsUploaderAsync(firstItem, OtherTeacher, CancellationToken.None));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0L, null)]
    [InlineData(64L * 1024 * 1024 - 1, null)]
    [InlineData(64L * 1024 * 1024, UploadGrants.BlockBytes)]
    [InlineData(4L * 1024 * 1024 * 1024, UploadGrants.BlockBytes)]
    public async Task Files_from_64_MiB_are_sent_in_blocks_smaller_ones_and_unknown_sizes_in_one_put(long? size, int? blockSize)
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;

        Assert.Equal(64L * 1024 * 1024, storage.Options.UploadBlocksFromBytes);
        Assert.Equal(blockSize, services.GetRequiredService<UploadGrants>().BlockSizeFor(size));
    }

    [Fact]
    public async Task Blocks_can_be_turned_off()
    {
        var (storage, services) = await NewAsync();
        await using var _ = services;
        storage.Options.UploadBlocksFromBytes = 0;

        Assert.Null(services.GetRequiredService<UploadGrants>().BlockSizeFor(10L * 1024 * 1024 * 1024));
    }

    private async Task<(MediaStorage Storage, ServiceProvider Services)> NewAsync()
    {
        var storage = await azurite.NewStorageAsync();
        return (storage, Pipelines.Create(storage, _clock));
    }

    private static async Task<UploadGrant> GrantAsync(ServiceProvider services, string school, string? folder, string fileName, string user = Teacher)
    {
        var (grant, refusals) = await services.GetRequiredService<UploadGrants>().GrantAsync(school, folder, fileName, user, CancellationToken.None);
        Assert.Empty(refusals);
        return grant!;
    }

    /// <summary>A plain client with nothing but the URL, as a browser has.</summary>
    private static async Task UploadAsync(UploadGrant grant, byte[] content) =>
        await new BlobClient(grant.Url).UploadAsync(new BinaryData(content), new BlobUploadOptions { Metadata = Metadata(grant) });

    private static Dictionary<string, string> Metadata(UploadGrant grant) =>
        grant.Headers.Where(h => h.Key.StartsWith("x-ms-meta-", StringComparison.Ordinal)).ToDictionary(h => h.Key["x-ms-meta-".Length..], h => h.Value);
}
