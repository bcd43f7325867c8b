using System.Text;
using Kalisto.MediaGate.Tags;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.StrippedCopy;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Every container of SPEC §3.1: the copy carries no identifier and the same image or media data.</summary>
public sealed class MetadataStripperFormatTests
{
    [Theory]
    [InlineData("jpeg-identifiers.jpg", MediaFormat.Jpeg)]
    [InlineData("xmp-personinimagewdetails.jpg", MediaFormat.Jpeg)]
    [InlineData("xmp-mp-regions.jpg", MediaFormat.Jpeg)]
    [InlineData("iptc-keywords.jpg", MediaFormat.Jpeg)]
    [InlineData("exif-xpkeywords.jpg", MediaFormat.Jpeg)]
    [InlineData("png-identifiers.png", MediaFormat.Png)]
    [InlineData("png-exif.png", MediaFormat.Png)]
    [InlineData("tiff-identifiers.tif", MediaFormat.Tiff)]
    [InlineData("webp-identifiers.webp", MediaFormat.WebP)]
    [InlineData("heic-identifiers.heic", MediaFormat.Heif)]
    [InlineData("gif-identifiers.gif", MediaFormat.Gif)]
    [InlineData("mov-identifiers.mov", MediaFormat.IsoMedia)]
    [InlineData("mov-keys-keywords.mov", MediaFormat.IsoMedia)]
    [InlineData("mp4-identifiers.mp4", MediaFormat.IsoMedia)]
    [InlineData("m4a-xmp.m4a", MediaFormat.IsoMedia)]
    [InlineData("wav-identifiers.wav", MediaFormat.Wav)]
    public async Task Copy_has_no_identifiers_for_either_reader(string fixture, MediaFormat format)
    {
        AssertIdentifiersPresent(await File.ReadAllBytesAsync(FixturePath(fixture)));

        var output = await StripFixtureAsync(fixture, format);

        AssertNoIdentifierBytes(output);
        AssertTagReaderFindsNothing(output, fixture);
        if (format != MediaFormat.Wav) // MetadataExtractor 2.4.3 does not read WAV
        {
            AssertMetadataExtractorFindsNothing(output);
        }
    }

    [Fact]
    public async Task Jpeg_copy_keeps_scan_data_byte_identical()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("jpeg-identifiers.jpg"));

        var output = await StripFixtureAsync("jpeg-identifiers.jpg", MediaFormat.Jpeg);

        Assert.Equal(MediaLayout.JpegScan(input), MediaLayout.JpegScan(output));
        Assert.Equal(
            MediaLayout.JpegSegments(input).Where(s => s.Marker is >= 0xC0 and <= 0xDB and not 0xD8).Select(s => Convert.ToHexString(s.Payload)),
            MediaLayout.JpegSegments(output).Where(s => s.Marker is >= 0xC0 and <= 0xDB and not 0xD8).Select(s => Convert.ToHexString(s.Payload)));
    }

    [Fact]
    public async Task Jpeg_copy_keeps_orientation_and_colour_profile_and_nothing_else()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("jpeg-identifiers.jpg"));

        var output = await StripFixtureAsync("jpeg-identifiers.jpg", MediaFormat.Jpeg);

        var ifd0 = ImageMetadataReader.ReadMetadata(new MemoryStream(output)).OfType<ExifIfd0Directory>().Single();
        Assert.Equal(6, ifd0.GetInt32(ExifDirectoryBase.TagOrientation));
        Assert.Single(ifd0.Tags);
        Assert.Equal(6, new TagReader().Read(new MemoryStream(output), "a.jpg").Orientation);
        static IEnumerable<string> Icc(byte[] jpeg) =>
            MediaLayout.JpegSegments(jpeg).Where(s => s.Marker == 0xE2).Select(s => Convert.ToHexString(s.Payload));
        Assert.NotEmpty(Icc(input));
        Assert.Equal(Icc(input), Icc(output));
        Assert.Equal([0xE0, 0xE1, 0xE2], MediaLayout.JpegSegments(output).Select(s => s.Marker).Where(m => m is >= 0xE0 and <= 0xEF));
        Assert.DoesNotContain(MediaLayout.JpegSegments(output), s => s.Marker == 0xFE);
    }

    [Fact]
    public async Task Jpeg_without_orientation_gets_no_exif_at_all()
    {
        var output = await StripFixtureAsync("exif-xpkeywords.jpg", MediaFormat.Jpeg);

        Assert.DoesNotContain(MediaLayout.JpegSegments(output), s => s.Marker == 0xE1);
        Assert.Empty(ImageMetadataReader.ReadMetadata(new MemoryStream(output)).OfType<ExifIfd0Directory>());
    }

    [Fact]
    public async Task Jpeg_extended_xmp_vendor_segments_and_trailer_are_dropped()
    {
        var untagged = await File.ReadAllBytesAsync(FixturePath("untagged.jpg"));
        var extended = MediaLayout.JpegSegment(0xE1, [.. "http://ns.adobe.com/xmp/extension/\0"u8, .. Encoding.ASCII.GetBytes(new string('A', 32)), 0, 0, 0, 7, 0, 0, 0, 0, .. "LL-1001"u8]);
        var input = MediaLayout.AfterSoi(
            untagged,
            extended,
            MediaLayout.JpegSegment(0xE3, "LL-1002"u8.ToArray()),
            MediaLayout.JpegSegment(0xEF, "MW-2001"u8.ToArray()),
            MediaLayout.JpegSegment(0xE2, "MPF\0Emma de Vries"u8.ToArray()),
            MediaLayout.JpegSegment(0xE0, "JFXX\0Noah Bakker"u8.ToArray()));
        input = [.. input, .. "Sanne Jansen after EOI"u8];

        var (result, output) = await StripAsync(input, MediaFormat.Jpeg);

        Assert.True(result.Succeeded);
        AssertNoIdentifierBytes(output);
        Assert.Equal(untagged, output);
    }

    [Fact]
    public async Task Jpeg_comment_between_progressive_scans_is_dropped()
    {
        var untagged = await File.ReadAllBytesAsync(FixturePath("untagged.jpg"));
        var eoi = untagged.Length - 2;
        byte[] input = [.. untagged[..eoi], .. MediaLayout.JpegSegment(0xFE, "LL-1001"u8.ToArray()), .. untagged[eoi..]];

        var (result, output) = await StripAsync(input, MediaFormat.Jpeg);

        Assert.True(result.Succeeded);
        Assert.Equal(untagged, output);
    }

    [Fact]
    public async Task Png_copy_keeps_image_data_byte_identical()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("png-identifiers.png"));

        var output = await StripFixtureAsync("png-identifiers.png", MediaFormat.Png);

        static byte[] Idat(byte[] png) => [.. MediaLayout.PngChunks(png).Where(c => c.Type == "IDAT").SelectMany(c => c.Data)];
        Assert.Equal(Idat(input), Idat(output));
        Assert.Equal(["IHDR", "pHYs", "IDAT", "IEND"], MediaLayout.PngChunks(output).Select(c => c.Type).Distinct());
        AssertSamePixels(input, output);
    }

    [Fact]
    public async Task Png_with_an_unknown_critical_chunk_is_refused()
    {
        var png = await File.ReadAllBytesAsync(FixturePath("png-exif.png"));
        byte[] chunk = [0, 0, 0, 1, .. "CgBI"u8, 0, 0, 0, 0, 0];
        byte[] input = [.. png[..33], .. chunk, .. png[33..]]; // after IHDR

        var (result, output) = await StripAsync(input, MediaFormat.Png);

        Assert.Equal("unsupported-type", result.ReasonCode);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Tiff_copy_keeps_strips_and_length_and_zeroes_dropped_values()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("tiff-identifiers.tif"));

        var output = await StripFixtureAsync("tiff-identifiers.tif", MediaFormat.Tiff);

        Assert.Equal(input.Length, output.Length);
        var ifd0 = ImageMetadataReader.ReadMetadata(new MemoryStream(output)).OfType<ExifIfd0Directory>().Single();
        var offsets = ifd0.GetInt32Array(ExifDirectoryBase.TagStripOffsets)!;
        var counts = ifd0.GetInt32Array(ExifDirectoryBase.TagStripByteCounts)!;
        for (var i = 0; i < offsets.Length; i++)
        {
            var range = new Range((int)offsets[i], (int)(offsets[i] + counts[i]));
            Assert.Equal(input[range], output[range]);
        }

        Assert.Empty(ImageMetadataReader.ReadMetadata(new MemoryStream(output)).OfType<ExifSubIfdDirectory>());
        AssertSamePixels(input, output);
    }

    [Fact]
    public async Task Tiff_every_page_loses_its_metadata()
    {
        var input = TiffBuilder.TwoPages("LL-1001", "MW-2001");

        var (result, output) = await StripAsync(input, MediaFormat.Tiff);

        Assert.True(result.Succeeded, result.Message);
        AssertNoIdentifierBytes(output);
        Assert.Equal(input.Length, output.Length);
        AssertTagReaderFindsNothing(output, "pages.tif");
        Assert.Equal(TiffBuilder.PixelData, output[TiffBuilder.PixelRange(0)]);
        Assert.Equal(TiffBuilder.PixelData, output[TiffBuilder.PixelRange(1)]);
    }

    [Fact]
    public async Task Big_tiff_is_refused()
    {
        var (result, _) = await StripAsync([.. "II+\0"u8, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0], MediaFormat.Tiff);

        Assert.Equal("unsupported-type", result.ReasonCode);
    }

    [Fact]
    public async Task Webp_copy_keeps_image_chunk_and_clears_the_metadata_flags()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("webp-identifiers.webp"));

        var output = await StripFixtureAsync("webp-identifiers.webp", MediaFormat.WebP);

        var chunks = MediaLayout.RiffChunks(output);
        Assert.Equal(["VP8X", "VP8 "], chunks.Select(c => c.Type));
        Assert.Equal(MediaLayout.RiffChunks(input).Single(c => c.Type == "VP8 ").Data, chunks[1].Data);
        Assert.Equal(0, chunks[0].Data[0] & 0x0C);
        Assert.Equal(output.Length - 8, BitConverter.ToInt32(output, 4));
        AssertSamePixels(input, output);
    }

    [Fact]
    public async Task Wav_copy_keeps_format_and_audio_data()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("wav-identifiers.wav"));

        var output = await StripFixtureAsync("wav-identifiers.wav", MediaFormat.Wav);

        Assert.Equal(["fmt ", "data"], MediaLayout.RiffChunks(output).Select(c => c.Type));
        Assert.Equal(MediaLayout.RiffChunks(input).Single(c => c.Type == "data").Data, MediaLayout.RiffChunks(output).Single(c => c.Type == "data").Data);
        Assert.Equal(output.Length - 8, BitConverter.ToInt32(output, 4));
    }

    [Fact]
    public async Task Gif_copy_keeps_image_and_looping_blocks()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("gif-identifiers.gif"));

        var output = await StripFixtureAsync("gif-identifiers.gif", MediaFormat.Gif);

        Assert.True(output.AsSpan().IndexOf("XMP DataXMP"u8) < 0);
        Assert.True(output.AsSpan().IndexOf("NETSCAPE2.0"u8) >= 0);
        AssertSamePixels(input, output);
    }

    [Fact]
    public async Task Heic_copy_keeps_layout_and_picture_and_neutralises_metadata_items()
    {
        var input = await File.ReadAllBytesAsync(FixturePath("heic-identifiers.heic"));

        var output = await StripFixtureAsync("heic-identifiers.heic", MediaFormat.Heif);

        Assert.Equal(input.Length, output.Length);
        Assert.True(output.AsSpan().IndexOf("Exif"u8) < 0);
        Assert.True(output.AsSpan().IndexOf("application/rdf+xml"u8) < 0);
        for (var i = 0; i < input.Length; i++)
        {
            Assert.True(output[i] == input[i] || output[i] == 0 || "free"u8.Contains(output[i]) || output[i] == 1, $"byte {i} changed to something other than zero");
        }

        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(output));
        Assert.Contains(directories.SelectMany(d => d.Tags), t => t.Description == "64" || (t.Description?.Contains("64", StringComparison.Ordinal) ?? false));
    }

    [Theory]
    [InlineData("mov-identifiers.mov")]
    [InlineData("mp4-identifiers.mp4")]
    [InlineData("m4a-xmp.m4a")]
    public async Task Iso_media_copy_keeps_mdat_and_length(string fixture)
    {
        var input = await File.ReadAllBytesAsync(FixturePath(fixture));

        var output = await StripFixtureAsync(fixture, MediaFormat.IsoMedia);

        Assert.Equal(input.Length, output.Length);
        Assert.Equal(MediaLayout.Mdat(input), MediaLayout.Mdat(output));
        Assert.Equal(
            MediaLayout.TopLevelBoxes(input).Select(b => (b.Start, b.Size)),
            MediaLayout.TopLevelBoxes(output).Select(b => (b.Start, b.Size)));
    }

    [Fact]
    public async Task Track_user_data_and_track_meta_become_free_boxes()
    {
        var xmp = Encoding.UTF8.GetBytes("<x:xmpmeta><dc:subject>LL-1001</dc:subject></x:xmpmeta>");
        var mdat = MediaLayout.Box("mdat", [1, 2, 3, 4]);
        var input = Concat(
            MediaLayout.Box("ftyp", "isom"u8.ToArray(), [0, 0, 2, 0], "isommp41"u8.ToArray()),
            MediaLayout.Box(
                "moov",
                MediaLayout.Box("mvhd", new byte[100]),
                MediaLayout.Box("trak", MediaLayout.Box("tkhd", new byte[84]), MediaLayout.Box("udta", MediaLayout.Box("\u00a9nam", "Emma de Vries"u8.ToArray()), MediaLayout.Box("XMP_", xmp)), MediaLayout.Box("meta", new byte[4], MediaLayout.Box("hdlr", new byte[25]), MediaLayout.Box("ilst", "Noah Bakker"u8.ToArray())))),
            MediaLayout.Box("uuid", [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC], xmp),
            mdat);

        var (result, output) = await StripAsync(input, MediaFormat.IsoMedia);

        Assert.True(result.Succeeded, result.Message);
        AssertNoIdentifierBytes(output);
        Assert.Equal(input.Length, output.Length);
        Assert.Equal(mdat, output[^mdat.Length..]);
        Assert.Equal(3, Count(output, "free"u8));
        AssertTagReaderFindsNothing(output, "track.mp4");
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static int Count(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        for (var span = haystack.AsSpan(); span.IndexOf(needle) is var i and >= 0; span = span[(i + needle.Length)..])
        {
            count++;
        }

        return count;
    }
}
