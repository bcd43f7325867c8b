using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Previews;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static Kalisto.MediaGate.Imaging.Tests.Redaction.TestImages;

namespace Kalisto.MediaGate.Imaging.Tests.Previews;

public sealed class PreviewMakerTests
{
    private readonly PreviewMaker _maker = new();

    [Theory]
    [InlineData(MediaFormat.Jpeg)]
    [InlineData(MediaFormat.Png)]
    [InlineData(MediaFormat.WebP)]
    [InlineData(MediaFormat.Gif)]
    [InlineData(MediaFormat.Tiff)]
    public async Task Preview_is_a_jpeg_without_any_metadata_segment(MediaFormat format)
    {
        using var image = Noisy(900, 600);
        using var source = Encoded(image, format, withMetadata: true);

        var preview = await MakeAsync(source, format);

        var markers = JpegMarkers(preview);
        Assert.Equal(0xD8, markers[0]);
        Assert.Contains(0xDA, markers); // start of scan: pixels follow
        Assert.DoesNotContain(0xE1, markers); // APP1: EXIF, XMP
        Assert.DoesNotContain(0xE2, markers); // APP2: ICC
        Assert.DoesNotContain(0xED, markers); // APP13: IPTC
        Assert.DoesNotContain(0xFE, markers); // COM
        Assert.All(markers, m => Assert.True(m is 0xD8 or 0xE0 or 0xDB or 0xC0 or 0xC4 or 0xDA or 0xD9 or 0xDD, $"unexpected marker {m:X2}"));
        Assert.DoesNotContain("LL-0001", System.Text.Encoding.Latin1.GetString(preview), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2000, 1500, 480, 360)]
    [InlineData(1500, 2000, 360, 480)]
    [InlineData(481, 100, 480, 100)]
    [InlineData(300, 200, 300, 200)]
    public async Task Preview_fits_480_pixels_on_its_long_side_and_is_never_enlarged(int width, int height, int expectedWidth, int expectedHeight)
    {
        using var image = Noisy(width, height);
        using var source = Jpeg(image);

        using var preview = Image.Load<Rgb24>(await MakeAsync(source, MediaFormat.Jpeg));

        Assert.Equal((expectedWidth, expectedHeight), (preview.Width, preview.Height));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    public async Task Exif_orientation_is_applied(int orientation)
    {
        // Stored landscape: left half red, right half blue. Shown upright it is portrait, red on top for
        // orientation 6 (turned clockwise) and blue on top for 8.
        using var stored = Halves(800, 400);
        using var source = Jpeg(stored, orientation);

        using var preview = Image.Load<Rgb24>(await MakeAsync(source, MediaFormat.Jpeg));

        Assert.Equal((240, 480), (preview.Width, preview.Height));
        var top = preview[120, 60];
        var bottom = preview[120, 420];
        var (redOnTop, blueOnTop) = (top.R > 200 && top.B < 60 && bottom.B > 200, top.B > 200 && top.R < 60 && bottom.R > 200);
        Assert.True(orientation == 6 ? redOnTop : blueOnTop, $"top {top}, bottom {bottom}");
    }

    [Fact]
    public async Task Preview_looks_like_the_image_scaled_down()
    {
        using var image = Squares(960, 640, seed: 1);
        using var other = Squares(960, 640, seed: 2);
        using var source = Jpeg(image);

        using var preview = Image.Load<Rgb24>(await MakeAsync(source, MediaFormat.Jpeg));
        using var expected = image.Clone(c => c.Resize(480, 320));
        using var unlike = other.Clone(c => c.Resize(480, 320));

        var all = new Rectangle(0, 0, 480, 320);
        var difference = MeanDifference(preview, expected, all);
        Assert.True(difference < 4, $"mean difference {difference:F2}");
        Assert.True(MeanDifference(preview, unlike, all) > 10 * difference);
    }

    [Fact]
    public async Task Colour_profile_is_not_kept()
    {
        using var image = Noisy(400, 300);
        image.Metadata.IccProfile = new IccProfile(MinimalIccProfile());
        using var source = Encode(image, new JpegEncoder { Quality = 90 });
        Assert.Contains(0xE2, JpegMarkers(source.ToArray())); // the source has one

        var preview = await MakeAsync(source, MediaFormat.Jpeg);

        Assert.DoesNotContain(0xE2, JpegMarkers(preview));
        Assert.Null(Image.Identify(preview).Metadata.IccProfile);
    }

    [Fact]
    public async Task Transparent_png_is_laid_on_white()
    {
        using var image = new Image<Rgba32>(100, 100, new Rgba32(0, 0, 0, 0));
        using var source = Encode(image, new PngEncoder());

        using var preview = Image.Load<Rgb24>(await MakeAsync(source, MediaFormat.Png));

        var pixel = preview[50, 50];
        Assert.True(pixel.R > 245 && pixel.G > 245 && pixel.B > 245, pixel.ToString());
    }

    [Theory]
    [InlineData(MediaFormat.IsoMedia)]
    [InlineData(MediaFormat.Unknown)]
    [InlineData(MediaFormat.Wav)]
    [InlineData(MediaFormat.Heif)]
    public async Task Video_audio_and_heif_have_no_preview_and_nothing_is_written(MediaFormat format)
    {
        using var source = new MemoryStream([1, 2, 3, 4]);
        using var destination = new MemoryStream();

        Assert.False(_maker.HasPreview(format));
        Assert.False(await _maker.MakeAsync(source, format, destination, CancellationToken.None));
        Assert.Equal(0, destination.Length);
    }

    [Theory]
    [InlineData(MediaFormat.Jpeg)]
    [InlineData(MediaFormat.Png)]
    [InlineData(MediaFormat.WebP)]
    public async Task Garbage_is_unreadable_and_nothing_is_written(MediaFormat format)
    {
        using var source = new MemoryStream(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray());
        using var destination = new MemoryStream();

        var refused = await Assert.ThrowsAsync<PreviewException>(() => _maker.MakeAsync(source, format, destination, CancellationToken.None));

        Assert.Equal(ReasonCode.Unreadable, refused.ReasonCode);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Image_above_the_pixel_cap_is_too_large_without_decoding()
    {
        using var source = PngHeaderOnly(100_000, 100_000);
        using var destination = new MemoryStream();

        var refused = await Assert.ThrowsAsync<PreviewException>(() => _maker.MakeAsync(source, MediaFormat.Png, destination, CancellationToken.None));

        Assert.Equal(ReasonCode.TooLarge, refused.ReasonCode);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Allocation_limit_refuses_what_a_raised_pixel_cap_lets_through()
    {
        var maker = new PreviewMaker(Options.Create(new ImagingOptions { MaxPixels = 1_000_000_000 }));
        using var source = PngHeaderOnly(30_000, 30_000, withPixelData: true);

        var refused = await Assert.ThrowsAsync<PreviewException>(() => maker.MakeAsync(source, MediaFormat.Png, Stream.Null, CancellationToken.None));

        Assert.Equal(ReasonCode.TooLarge, refused.ReasonCode);
    }

    [Fact]
    public async Task Content_of_another_format_is_unreadable()
    {
        using var image = Noisy(200, 100);
        using var png = Encode(image, new PngEncoder());

        var refused = await Assert.ThrowsAsync<PreviewException>(() => _maker.MakeAsync(png, MediaFormat.Jpeg, Stream.Null, CancellationToken.None));

        Assert.Equal(ReasonCode.Unreadable, refused.ReasonCode);
    }

    [Fact]
    public async Task Cancelled_call_throws_cancellation_not_a_preview_failure()
    {
        using var image = Noisy(200, 100);
        using var source = Jpeg(image);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _maker.MakeAsync(source, MediaFormat.Jpeg, Stream.Null, cancelled.Token));
    }

    private async Task<byte[]> MakeAsync(Stream source, MediaFormat format)
    {
        using var destination = new MemoryStream();
        Assert.True(await _maker.MakeAsync(source, format, destination, CancellationToken.None));
        return destination.ToArray();
    }

    private static MemoryStream Encoded(Image<Rgb24> image, MediaFormat format, bool withMetadata)
    {
        using var copy = image.Clone();
        if (withMetadata)
        {
            AddIdentifyingMetadata(copy);
            copy.Metadata.IccProfile = new IccProfile(MinimalIccProfile());
        }

        return Encode(copy, format switch
        {
            MediaFormat.Jpeg => new JpegEncoder { Quality = 90 },
            MediaFormat.Png => new PngEncoder(),
            MediaFormat.WebP => new WebpEncoder(),
            MediaFormat.Gif => new GifEncoder(),
            MediaFormat.Tiff => new TiffEncoder(),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        });
    }

    /// <summary>A grid of 80-pixel squares of random colour: little fine detail, so JPEG keeps it well at any size.</summary>
    private static Image<Rgb24> Squares(int width, int height, int seed)
    {
        var random = new Random(seed);
        var colours = Enumerable.Range(0, 256).Select(_ => new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))).ToArray();
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = colours[((y / 80) * 16) + (x / 80)];
            }
        }

        return image;
    }

    private static Image<Rgb24> Halves(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = x < width / 2 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
            }
        }

        return image;
    }

    /// <summary>The markers of a JPEG's segments up to and including the first start of scan, then its end.</summary>
    internal static List<int> JpegMarkers(byte[] jpeg)
    {
        Assert.True(jpeg.Length > 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var markers = new List<int> { 0xD8 };
        var at = 2;
        while (at + 4 <= jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[at]);
            var marker = jpeg[at + 1];
            markers.Add(marker);
            var length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            if (marker == 0xDA)
            {
                break; // entropy-coded data follows; the last two bytes are the end of image
            }

            at += 2 + length;
        }

        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);
        markers.Add(0xD9);
        return markers;
    }
}
