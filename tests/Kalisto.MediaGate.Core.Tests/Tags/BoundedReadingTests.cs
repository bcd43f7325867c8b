using System.Text;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>Only metadata is read, proven by counting the bytes the stream hands out.</summary>
public sealed class BoundedReadingTests
{
    [Fact]
    public void Jpeg_is_read_only_up_to_its_image_data()
    {
        var xmp = MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001"));
        var header = MediaBuilder.Jpeg(xmp, imageBytes: 0);
        var metadataBytes = header.Length; // SOI, APP1, SOF, SOS: everything before the scan data
        var stream = new SparseStream().Bytes(header[..^2]).Zeros(6 * 1024 * 1024).Bytes([0xFF, 0xD9]);

        var result = new TagReader().Read(stream, "photo.jpg");

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1001", Assert.Single(result.Keywords).Value);
        Assert.True(stream.BytesServed <= metadataBytes + (128 * 1024), $"read {stream.BytesServed} bytes of a 6 MiB JPEG");
    }

    [Fact]
    public void Video_with_moov_at_the_end_skips_the_media_data()
    {
        var xmp = Encoding.UTF8.GetBytes(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1002")));
        var trak = MediaBuilder.Box("trak", MediaBuilder.Box("tkhd", new byte[84]), MediaBuilder.Box("mdia", new byte[4000]));
        var moov = MediaBuilder.Box("moov", MediaBuilder.Box("mvhd", new byte[100]), trak, MediaBuilder.Box("udta", MediaBuilder.Box("XMP_", xmp)));
        const long mediaBytes = 100L * 1024 * 1024;
        var mdatHeader = MediaBuilder.Box("mdat");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mdatHeader, (uint)(mediaBytes + 8));
        var stream = new SparseStream().Bytes(MediaBuilder.Ftyp("qt  ")).Bytes(mdatHeader).Zeros(mediaBytes).Bytes(moov);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var result = new TagReader().Read(stream, "clip.mov");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1002", Assert.Single(result.Keywords).Value);
        Assert.True(stream.BytesServed < 1024 * 1024, $"read {stream.BytesServed} bytes of a 100 MB video");
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes for a 100 MB video");
    }

    [Fact]
    public void Memory_does_not_grow_with_file_size()
    {
        long AllocatedFor(long mediaBytes)
        {
            var xmp = Encoding.UTF8.GetBytes(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1002")));
            var moov = MediaBuilder.Box("moov", MediaBuilder.Box("udta", MediaBuilder.Box("XMP_", xmp)));
            var mdatHeader = MediaBuilder.Box("mdat");
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mdatHeader, (uint)(mediaBytes + 8));
            var stream = new SparseStream().Bytes(MediaBuilder.Ftyp()).Bytes(mdatHeader).Zeros(mediaBytes).Bytes(moov);
            var reader = new TagReader();
            reader.Read(stream, "warmup.mp4");
            stream.Position = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            reader.Read(stream, "clip.mp4");
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var small = AllocatedFor(1024 * 1024);
        var large = AllocatedFor(1024L * 1024 * 1024);

        // Same boxes, 1000 times the media data: allocations stay within a few kilobytes.
        Assert.InRange(large - small, -16 * 1024, 16 * 1024);
    }
}
