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

        // moov (with the tags) after 100 MB of media data, as cameras write it.
        var xmp = Encoding.UTF8.GetBytes(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-7777")));
        var trak = MediaBuilder.Box("trak", MediaBuilder.Box("tkhd", new byte[84]), MediaBuilder.Box("mdia", new byte[4000]));
        var moov = MediaBuilder.Box("moov", MediaBuilder.Box("mvhd", new byte[100]), trak, MediaBuilder.Box("udta", MediaBuilder.Box("XMP_", xmp)));
        const long mediaBytes = 100L * 1024 * 1024;
        var mdat = MediaBuilder.Box("mdat");
        BinaryPrimitives.WriteUInt32BigEndian(mdat, (uint)(mediaBytes + 8));
        var video = new SparseStream().Bytes(MediaBuilder.Ftyp("qt  ")).Bytes(mdat).Zeros(mediaBytes).Bytes(moov);
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
}
