using System.Diagnostics;
using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;
using static Kalisto.MediaGate.Imaging.Tests.Redaction.TestImages;

namespace Kalisto.MediaGate.Imaging.Tests.Redaction;

public sealed class ImageRedactorTests
{
    /// <summary>A redacted area must differ from the original by more than this (mean per channel, 0..255).</summary>
    private const double StrongDifference = 20;

    /// <summary>
    /// Outside the redacted areas a JPEG may differ from its original by re-encoding only (mean per channel,
    /// 0..255; the sharp-edged test card is a hard case for JPEG) ...
    /// </summary>
    private const double JpegTolerance = 8;

    /// <summary>... and from a plain re-encode of the original hardly at all: JPEG blocks are encoded independently.</summary>
    private const double ReEncodeTolerance = 0.5;

    /// <summary>JPEG blocks (16 px with chroma subsampling) that straddle a redacted edge change too.</summary>
    private const int JpegRing = 16;

    private static readonly FaceRegion Face = new(0.4, 0.3, 0.2, 0.25);

    private readonly ImageRedactor _redactor = new();

    private async Task<(PublishResult Result, MemoryStream Output)> Redact(Stream source, MediaFormat format, params FaceRegion[] regions)
    {
        var output = new MemoryStream();
        var result = await _redactor.RedactAsync(source, format, regions, output, CancellationToken.None);
        output.Position = 0;
        return (result, output);
    }

    private static void AssertRedacted(Image<Rgb24> original, Image<Rgb24> redacted, Rectangle area)
    {
        var difference = MeanDifference(original, redacted, area);
        Assert.True(difference > StrongDifference, $"the redacted area differs by only {difference:0.0} from the original");
        var block = Mosaic.BlockSize(area);
        var before = SpreadWithinBlocks(original, area, block, inset: 2);
        var after = SpreadWithinBlocks(redacted, area, block, inset: 2);
        Assert.True(after < before / 5, $"fine detail {after:0.0} survives in the redacted area (original {before:0.0})");
    }

    /// <summary>Outside the areas the output is the original within JPEG tolerance, and a plain re-encode of it almost exactly.</summary>
    private static void AssertUnchangedOutside(Image<Rgb24> original, Image<Rgb24> redacted, IReadOnlyList<Rectangle> areas)
    {
        var outside = MeanDifferenceOutside(original, redacted, areas, JpegRing);
        Assert.True(outside < JpegTolerance, $"outside the redacted areas the output differs by {outside:0.00} from the original");
        using var reEncoded = ReEncoded(original);
        var fromReEncode = MeanDifferenceOutside(reEncoded, redacted, areas, JpegRing);
        Assert.True(fromReEncode < ReEncodeTolerance, $"outside the redacted areas the output differs by {fromReEncode:0.00} from a plain re-encode");
    }

    [Fact]
    public async Task Redacted_region_differs_strongly_from_the_original()
    {
        using var picture = Noisy(480, 360);
        using var source = Jpeg(picture);
        using var original = Decode(source);

        var (result, output) = await Redact(source, MediaFormat.Jpeg, Face);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        AssertRedacted(original, redacted, Widened(Face, redacted));
    }

    [Fact]
    public void Widened_region_covers_at_least_a_fifth_more_on_every_side()
    {
        var area = ImageRedactor.Widen(Face, 1000, 1000);

        Assert.True(area.Left <= 400 - 40 && area.Right >= 600 + 40, $"{area} is not wide enough");
        Assert.True(area.Top <= 300 - 50 && area.Bottom >= 550 + 50, $"{area} is not tall enough");
        Assert.True(Mosaic.BlockSize(area) >= Math.Max(area.Width, area.Height) / 6, "blocks are too fine to hide a face");
    }

    [Fact]
    public async Task Pixels_outside_the_widened_region_equal_the_original_within_jpeg_tolerance()
    {
        using var picture = Noisy(480, 360);
        using var source = Jpeg(picture);
        using var original = Decode(source);

        var (result, output) = await Redact(source, MediaFormat.Jpeg, Face);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        AssertUnchangedOutside(original, redacted, [Widened(Face, redacted)]);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    public async Task Region_in_display_coordinates_lands_on_the_upright_output(int orientation)
    {
        using var stored = Noisy(480, 320, seed: orientation);
        using var source = Jpeg(stored, orientation);
        using var decoded = Decode(source);
        using var displayed = Displayed(decoded, orientation);
        var region = new FaceRegion(0.55, 0.12, 0.25, 0.2);

        var (result, output) = await Redact(source, MediaFormat.Jpeg, region);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        Assert.Equal((320, 480), (redacted.Width, redacted.Height));
        var area = Widened(region, redacted);
        AssertRedacted(displayed, redacted, area);
        AssertUnchangedOutside(displayed, redacted, [area]);
        Assert.Null(Image.Identify(output.ToArray()).Metadata.ExifProfile);
    }

    [Fact]
    public async Task Tiff_orientation_is_applied_before_the_regions()
    {
        using var stored = Noisy(240, 160);
        using var copy = stored.Clone();
        AddIdentifyingMetadata(copy, orientation: 6);
        using var source = Encode(copy, new TiffEncoder());
        using var displayed = Displayed(stored, 6);
        var region = new FaceRegion(0.55, 0.12, 0.25, 0.2);

        var (result, output) = await Redact(source, MediaFormat.Tiff, region);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        Assert.Equal((160, 240), (redacted.Width, redacted.Height));
        var area = Widened(region, redacted);
        AssertRedacted(displayed, redacted, area);
        Assert.Equal(0, MeanDifferenceOutside(displayed, redacted, [area], ring: 0));
    }

    [Fact]
    public async Task Region_at_an_image_edge_is_clamped_and_redacted()
    {
        using var picture = Noisy(400, 300);
        using var source = Jpeg(picture);
        using var original = Decode(source);
        var region = new FaceRegion(0, 0.75, 0.2, 0.25);

        var (result, output) = await Redact(source, MediaFormat.Jpeg, region);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        Assert.Equal((400, 300), (redacted.Width, redacted.Height));
        var area = Widened(region, redacted);
        Assert.Equal((0, 300), (area.Left, area.Bottom));
        AssertRedacted(original, redacted, area);
        AssertUnchangedOutside(original, redacted, [area]);
    }

    [Fact]
    public async Task Several_regions_are_all_redacted_and_nothing_else()
    {
        using var picture = Noisy(640, 400);
        using var source = Jpeg(picture);
        using var original = Decode(source);
        FaceRegion[] regions = [new(0.05, 0.1, 0.12, 0.2), new(0.45, 0.4, 0.1, 0.15), new(0.75, 0.6, 0.15, 0.25)];

        var (result, output) = await Redact(source, MediaFormat.Jpeg, regions);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Decode(output);
        var areas = regions.Select(r => Widened(r, redacted)).ToList();
        Assert.All(areas, area => AssertRedacted(original, redacted, area));
        AssertUnchangedOutside(original, redacted, areas);
    }

    [Fact]
    public async Task Png_input_gives_png_output_identical_outside_the_region()
    {
        using var picture = Noisy(300, 200);
        using var source = Encode(picture, new PngEncoder());

        var (result, output) = await Redact(source, MediaFormat.Png, Face);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(PngFormat.Instance, Image.DetectFormat(output.ToArray()));
        using var redacted = Decode(output);
        var area = Widened(Face, redacted);
        AssertRedacted(picture, redacted, area);
        Assert.Equal(0, MeanDifferenceOutside(picture, redacted, [area], ring: 0));
    }

    public static TheoryData<MediaFormat> Formats => [MediaFormat.Jpeg, MediaFormat.Png, MediaFormat.WebP, MediaFormat.Gif, MediaFormat.Tiff];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Output_is_the_same_format_and_carries_no_identifiers(MediaFormat format)
    {
        using var picture = Noisy(160, 120);
        AddIdentifyingMetadata(picture);
        using var source = Encode(picture, Encoder(format));
        Assert.Contains("LL-0001", Encoding.Latin1.GetString(source.ToArray()), StringComparison.Ordinal);

        var (result, output) = await Redact(source, format, Face);

        Assert.True(result.Succeeded, result.Message);
        var bytes = output.ToArray();
        Assert.Equal(Image.DetectFormat(source.ToArray()), Image.DetectFormat(bytes));
        Assert.DoesNotContain("LL-0001", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Sportdag", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        var info = Image.Identify(bytes);
        Assert.Null(info.Metadata.ExifProfile);
        Assert.Null(info.Metadata.IptcProfile);
        Assert.Null(info.Metadata.XmpProfile);
        var directories = MetadataExtractor.ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
        Assert.DoesNotContain(directories, d => d is MetadataExtractor.Formats.Xmp.XmpDirectory or MetadataExtractor.Formats.Iptc.IptcDirectory);
        if (format != MediaFormat.Tiff)
        {
            // A TIFF's own structure is an IFD0; for every other format an EXIF block is metadata.
            Assert.DoesNotContain(directories, d => d is MetadataExtractor.Formats.Exif.ExifDirectoryBase);
        }
    }

    [Fact]
    public async Task Jpeg_colour_profile_is_kept()
    {
        using var picture = Noisy(160, 120);
        AddIdentifyingMetadata(picture);
        var profile = MinimalIccProfile();
        picture.Metadata.IccProfile = new IccProfile(profile);
        using var source = Encode(picture, new JpegEncoder { Quality = 95 });

        var (result, output) = await Redact(source, MediaFormat.Jpeg, Face);

        Assert.True(result.Succeeded, result.Message);
        var info = Image.Identify(output.ToArray());
        Assert.Equal(profile, info.Metadata.IccProfile?.ToByteArray());
        Assert.Null(info.Metadata.ExifProfile);
    }

    [Fact]
    public async Task Multi_frame_gif_gives_a_single_frame()
    {
        using var picture = Noisy(120, 90).CloneAs<Rgba32>();
        using var second = Noisy(120, 90, seed: 2).CloneAs<Rgba32>();
        picture.Frames.AddFrame(second.Frames.RootFrame);
        using var source = Encode(picture, new GifEncoder());

        var (result, output) = await Redact(source, MediaFormat.Gif, Face);

        Assert.True(result.Succeeded, result.Message);
        using var redacted = Image.Load(output);
        Assert.Single(redacted.Frames);
    }

    [Fact]
    public async Task Image_above_the_pixel_cap_is_too_large_without_decoding()
    {
        // Only a header: decoding it would fail as unreadable, so too-large can only come from the header.
        using var source = PngHeaderOnly(20_000, 20_000);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var (result, _) = await Redact(source, MediaFormat.Png, Face);

        Assert.Equal(ReasonCode.TooLarge, result.ReasonCode);
        Assert.Contains("20000x20000", result.Message, StringComparison.Ordinal);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 64 << 20, $"refusing allocated {allocated >> 20} MB");
    }

    [Fact]
    public async Task Header_only_image_under_the_cap_is_unreadable()
    {
        using var source = PngHeaderOnly(100, 100);

        var (result, _) = await Redact(source, MediaFormat.Png, Face);

        Assert.Equal(ReasonCode.Unreadable, result.ReasonCode);
    }

    [Fact]
    public async Task Allocation_limit_refuses_what_a_raised_pixel_cap_lets_through()
    {
        var redactor = new ImageRedactor(Options.Create(new ImagingOptions { MaxPixels = 1_000_000_000 }));
        using var source = PngHeaderOnly(20_000, 20_000, withPixelData: true);

        var result = await redactor.RedactAsync(source, MediaFormat.Png, [Face], Stream.Null, CancellationToken.None);

        Assert.Equal(ReasonCode.TooLarge, result.ReasonCode);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Garbage_bytes_are_unreadable(MediaFormat format)
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var (result, output) = await Redact(new MemoryStream(garbage), format, Face);

        Assert.Equal(ReasonCode.Unreadable, result.ReasonCode);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Truncated_header_is_unreadable(MediaFormat format)
    {
        using var picture = Noisy(160, 120);
        using var source = Encode(picture, Encoder(format));
        var truncated = source.ToArray()[..20];

        var (result, output) = await Redact(new MemoryStream(truncated), format, Face);

        Assert.Equal(ReasonCode.Unreadable, result.ReasonCode);
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Truncated_pixel_data_gives_a_result_never_an_exception(MediaFormat format)
    {
        using var picture = Noisy(160, 120);
        using var source = Encode(picture, Encoder(format));
        var truncated = source.ToArray()[..(int)(source.Length * 6 / 10)];

        var (result, output) = await Redact(new MemoryStream(truncated), format, Face);

        Assert.True(result.Succeeded || result.ReasonCode == ReasonCode.Unreadable, $"{result.ReasonCode}: {result.Message}");
        Assert.Equal(result.Succeeded, output.Length > 0);
    }

    [Theory]
    [InlineData(MediaFormat.Heif)]
    [InlineData(MediaFormat.IsoMedia)]
    [InlineData(MediaFormat.Wav)]
    [InlineData(MediaFormat.Unknown)]
    public async Task Heif_video_and_other_formats_are_unsupported(MediaFormat format)
    {
        Assert.False(_redactor.CanRedact(format));

        var (result, output) = await Redact(new MemoryStream([1, 2, 3]), format, Face);

        Assert.Equal(ReasonCode.UnsupportedType, result.ReasonCode);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Cancelled_redaction_throws_and_writes_nothing()
    {
        using var picture = Noisy(160, 120);
        using var source = Jpeg(picture);
        var output = new MemoryStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _redactor.RedactAsync(source, MediaFormat.Jpeg, [Face], output, new CancellationToken(canceled: true)));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Redaction_past_the_time_limit_is_refused_and_writes_nothing()
    {
        var redactor = new ImageRedactor(Options.Create(new ImagingOptions { PixelWorkTimeout = TimeSpan.FromMilliseconds(50) }));
        using var picture = Noisy(160, 120);
        using var jpeg = Jpeg(picture);
        using var source = new StallingStream(jpeg); // the work cannot finish before the limit, however late its timer fires
        var output = new MemoryStream();

        var clock = Stopwatch.StartNew();
        var result = await redactor.RedactAsync(source, MediaFormat.Jpeg, [Face], output, CancellationToken.None);
        source.Release();

        Assert.True(result.ReasonCode == ReasonCode.Unreadable, $"{result.ReasonCode} {result.Message} after {clock.ElapsedMilliseconds} ms, {output.Length} bytes");
        Assert.Contains("longer", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Unseekable_source_is_redacted_too()
    {
        using var picture = Noisy(160, 120);
        using var source = Jpeg(picture);

        var (result, output) = await Redact(new UnseekableStream(source), MediaFormat.Jpeg, Face);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(JpegFormat.Instance, Image.DetectFormat(output.ToArray()));
    }

    [Fact]
    public async Task Redaction_without_regions_is_refused()
    {
        using var source = Jpeg(Noisy(16, 16));

        await Assert.ThrowsAsync<ArgumentException>(
            () => _redactor.RedactAsync(source, MediaFormat.Jpeg, [], Stream.Null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(
            () => _redactor.RedactAsync(source, MediaFormat.Jpeg, [new FaceRegion(0.5, 0.5, 0, 0.1)], Stream.Null, CancellationToken.None));
    }

    private static IImageEncoder Encoder(MediaFormat format) => format switch
    {
        MediaFormat.Jpeg => new JpegEncoder { Quality = 95, ColorType = JpegColorType.YCbCrRatio420 },
        MediaFormat.Png => new PngEncoder(),
        MediaFormat.WebP => new WebpEncoder(),
        MediaFormat.Gif => new GifEncoder(),
        MediaFormat.Tiff => new TiffEncoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A seekable stream whose reads wait until the test releases them: pixel work that hangs.</summary>
    private sealed class StallingStream(Stream inner) : Stream
    {
        private volatile bool _released;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public void Release() => _released = true;

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var waited = 0; !_released && waited < 30_000; waited += 5)
            {
                Thread.Sleep(5);
            }

            return inner.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _released = true;
            base.Dispose(disposing);
        }
    }
}
