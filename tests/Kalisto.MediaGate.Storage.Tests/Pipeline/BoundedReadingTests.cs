using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

[Collection(AzuriteCollection.Name)]
public sealed class BoundedReadingTests(Azurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task A_100_MB_video_is_screened_from_a_few_hundred_kilobytes_with_flat_memory()
    {
        var names = Azurite.NewNames();
        var counter = new TrafficCounter(r => r.Uri.Path.Contains("/" + names.UploadsContainer + "/", StringComparison.Ordinal));
        var storage = azurite.CreateStorage(names, counter);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);

        var video = Video("LL-7777", out _);
        await storage.Uploads.GetBlobClient("de-wilg/sportdag/film.mov").UploadAsync(video);
        var screening = services.GetRequiredService<UploadScreening>();

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var item = await screening.ScreenAsync("de-wilg/sportdag/film.mov", CancellationToken.None);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"downloaded {counter.BytesDownloaded:N0} bytes, allocated {allocated:N0} bytes");
        Assert.Equal([new Reason(ReasonCode.UnknownSubject, "LL-7777")], item!.Reasons);
        Assert.Equal(video.Length, (await storage.Quarantine.GetBlobClient("de-wilg/sportdag/film.mov").GetPropertiesAsync()).Value.ContentLength);
        Assert.True(counter.BytesDownloaded < 512 * 1024, $"downloaded {counter.BytesDownloaded} bytes of a 100 MB video");
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes while screening a 100 MB video");
    }

    [Fact]
    public async Task An_approved_100_MB_video_is_published_through_a_file_not_through_memory()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var video = Video("LL-1002", out var mediaBytes);
        await storage.Uploads.GetBlobClient("de-wilg/sportdag/film.mov").UploadAsync(video);
        var screening = services.GetRequiredService<UploadScreening>();

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var item = await screening.ScreenAsync("de-wilg/sportdag/film.mov", CancellationToken.None);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"allocated {allocated:N0} bytes while publishing a 100 MB video");
        Assert.Equal(Outcome.Approved, item!.Outcome);
        var published = storage.Approved.GetBlobClient("de-wilg/sportdag/film.mov");
        Assert.Equal(video.Length, (await published.GetPropertiesAsync()).Value.ContentLength); // boxes neutralised in place
        var tail = (await published.DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions { Range = new Azure.HttpRange(video.Length - 2048, 2048) })).Value.Content.ToArray();
        Assert.DoesNotContain("LL-1002", Encoding.ASCII.GetString(tail), StringComparison.Ordinal);
        Assert.True(allocated < 48 * 1024 * 1024, $"allocated {allocated} bytes while publishing a {mediaBytes} byte video");
    }

    /// <summary>A MOV with its moov (and the tags) after 100 MB of media data, as cameras write it.</summary>
    private static SparseStream Video(string subject, out long mediaBytes)
    {
        var xmp = Encoding.UTF8.GetBytes(MediaBuilder.Xmp(MediaBuilder.DcSubject(subject)));
        var trak = MediaBuilder.Box("trak", MediaBuilder.Box("tkhd", new byte[84]), MediaBuilder.Box("mdia", new byte[4000]));
        var moov = MediaBuilder.Box("moov", MediaBuilder.Box("mvhd", new byte[100]), trak, MediaBuilder.Box("udta", MediaBuilder.Box("XMP_", xmp)));
        mediaBytes = 100L * 1024 * 1024;
        var mdat = MediaBuilder.Box("mdat");
        BinaryPrimitives.WriteUInt32BigEndian(mdat, (uint)(mediaBytes + 8));
        return new SparseStream().Bytes(MediaBuilder.Ftyp("qt  ")).Bytes(mdat).Zeros(mediaBytes).Bytes(moov);
    }
}
