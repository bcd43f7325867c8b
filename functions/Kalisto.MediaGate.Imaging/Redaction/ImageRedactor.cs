using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Pixels;
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
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Redaction;

/// <summary>
/// Publishes a redacted derivative of an image (SPEC §6) with ImageSharp: refuses pixel bombs from the
/// header alone, decodes the first frame only, turns it upright, pixelates every face region with a
/// margin so coarsely that the face cannot be recognised, and encodes it again in its own format with
/// no metadata but the colour profile.
/// </summary>
/// <remarks>
/// The pixel work runs on the thread pool under <see cref="ImagingOptions.PixelWorkTimeout"/> and the
/// caller's token, and is encoded to memory first: a cancelled or timed-out call returns at once and
/// leaves the destination untouched, even if a decoder does not notice the cancellation itself.
/// Multi-frame GIF and TIFF give a still of their first frame; animated WebP is refused (ImageSharp
/// 2.1 does not decode it) as <c>unreadable</c>. The colour profile is kept where ImageSharp 2.1 writes one,
/// which is JPEG only: PNG, WebP and TIFF come out without it.
/// </remarks>
public sealed class ImageRedactor : IImageRedactor
{
    /// <summary>Each region grows by this share of its width on the left and right, and of its height above and below.</summary>
    public const double Margin = 0.25;

    private const int JpegQuality = 90;
    private const int WebpQuality = 90;
    private const int MaxInitialOutputBytes = 64 * 1024 * 1024;

    private readonly ImagingOptions _options;

    /// <summary>A redactor with the default limits.</summary>
    public ImageRedactor()
        : this(Options.Create(new ImagingOptions()))
    {
    }

    public ImageRedactor(IOptions<ImagingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    public bool CanRedact(MediaFormat format) => LimitedImage.Decodes(format);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">No regions, or a region that is not a finite rectangle of positive size.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="IOException">Reading <paramref name="source"/> or writing <paramref name="destination"/> failed.</exception>
    public async Task<PublishResult> RedactAsync(
        Stream source,
        MediaFormat format,
        IReadOnlyList<FaceRegion> regions,
        Stream destination,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(destination);
        ValidateRegions(regions);
        if (!CanRedact(format))
        {
            return PublishResult.Failed(ReasonCode.UnsupportedType, $"{format} cannot be redacted");
        }

        try
        {
            await LimitedImage.RunAsync(
                source,
                format,
                destination,
                _options,
                "redaction",
                (input, token) => Redact(input, format, regions, token),
                RedactionRefusedException.Create,
                cancellationToken);
        }
        catch (RedactionRefusedException refusal)
        {
            return PublishResult.Failed(refusal.Code, refusal.Message);
        }

        return PublishResult.Success;
    }

    /// <summary>The pixel rectangle of a region on an image of the given size, widened by <see cref="Margin"/> and clamped to the image.</summary>
    public static Rectangle Widen(FaceRegion region, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(region);
        var marginX = region.Width * Margin;
        var marginY = region.Height * Margin;
        var left = (int)Math.Floor(Math.Clamp(region.Left - marginX, 0, 1) * width);
        var top = (int)Math.Floor(Math.Clamp(region.Top - marginY, 0, 1) * height);
        var right = (int)Math.Ceiling(Math.Clamp(region.Left + region.Width + marginX, 0, 1) * width);
        var bottom = (int)Math.Ceiling(Math.Clamp(region.Top + region.Height + marginY, 0, 1) * height);
        return Rectangle.FromLTRB(left, top, right, bottom);
    }

    private static void ValidateRegions(IReadOnlyList<FaceRegion> regions)
    {
        if (regions.Count == 0)
        {
            throw new ArgumentException("A redaction needs at least one face region.", nameof(regions));
        }

        foreach (var region in regions)
        {
            var finite = region is not null
                && double.IsFinite(region.Left) && double.IsFinite(region.Top)
                && double.IsFinite(region.Width) && double.IsFinite(region.Height);
            if (!finite || region!.Width <= 0 || region.Height <= 0
                || region.Left >= 1 || region.Top >= 1 || region.Left + region.Width <= 0 || region.Top + region.Height <= 0)
            {
                throw new ArgumentException("Every face region must be a finite rectangle of positive size on the image.", nameof(regions));
            }
        }
    }

    private MemoryStream Redact(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, CancellationToken cancellationToken) =>
        format == MediaFormat.Jpeg
            ? Redact<Rgb24>(source, format, regions, cancellationToken)
            : Redact<Rgba32>(source, format, regions, cancellationToken);

    private MemoryStream Redact<TPixel>(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = LimitedImage.DecodeFirstFrame<TPixel, RedactionRefusedException>(
            source, format, _options.MaxPixels, RedactionRefusedException.Create, cancellationToken);
        foreach (var region in regions)
        {
            var area = Widen(region, image.Width, image.Height);
            Mosaic.Apply(image, area, Mosaic.BlockSize(area));
        }

        var encoder = CreateEncoder(format, image.Metadata);
        RemoveMetadata(image, format);
        // A re-encoded image is about as large as its source: room for that up front saves regrowing.
        var output = new MemoryStream((int)Math.Min(source.Length + (64 * 1024), MaxInitialOutputBytes));
        // Only the asynchronous save takes a token; into memory it completes without waiting on anything.
        image.SaveAsync(output, encoder, cancellationToken).GetAwaiter().GetResult();
        return output;
    }

    private static IImageEncoder CreateEncoder(MediaFormat format, ImageMetadata metadata) => format switch
    {
        MediaFormat.Jpeg => new JpegEncoder { Quality = JpegQuality, ColorType = JpegColours(metadata) },
        MediaFormat.Png => new PngEncoder { ChunkFilter = PngChunkFilter.ExcludeTextChunks | PngChunkFilter.ExcludeExifChunk },
        MediaFormat.WebP => new WebpEncoder
        {
            FileFormat = metadata.GetWebpMetadata().FileFormat ?? WebpFileFormatType.Lossy,
            Quality = WebpQuality,

            // ImageSharp's default effort takes seconds for a camera photo; level 2 is several times faster for a somewhat larger file.
            Method = WebpEncodingMethod.Level2,
        },
        MediaFormat.Gif => new GifEncoder(),
        MediaFormat.Tiff => new TiffEncoder(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a redactable format"),
    };

    /// <summary>Grey stays grey and full colour resolution stays full; everything else is encoded 4:2:0.</summary>
    private static JpegColorType JpegColours(ImageMetadata metadata) => metadata.GetJpegMetadata().ColorType switch
    {
        JpegColorType.Luminance => JpegColorType.Luminance,
        JpegColorType.YCbCrRatio444 => JpegColorType.YCbCrRatio444,
        _ => JpegColorType.YCbCrRatio420,
    };

    /// <summary>Drops EXIF, IPTC, XMP and format comments from the image and its frames; keeps the ICC profile.</summary>
    private static void RemoveMetadata(Image image, MediaFormat format)
    {
        var metadata = image.Metadata;
        metadata.ExifProfile = null;
        metadata.IptcProfile = null;
        metadata.XmpProfile = null;
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.XmpProfile = null;
        }

        if (format == MediaFormat.Png)
        {
            metadata.GetPngMetadata().TextData.Clear();
        }
        else if (format == MediaFormat.Gif)
        {
            metadata.GetGifMetadata().Comments.Clear();
        }
    }

    /// <summary>A refusal of the source image; <see cref="RedactAsync"/> returns it as a failed <see cref="PublishResult"/>.</summary>
    private sealed class RedactionRefusedException : Exception
    {
        public RedactionRefusedException()
            : this(ReasonCode.Unreadable, "the image cannot be redacted", null)
        {
        }

        public RedactionRefusedException(string message)
            : this(ReasonCode.Unreadable, message, null)
        {
        }

        public RedactionRefusedException(string message, Exception innerException)
            : this(ReasonCode.Unreadable, message, innerException)
        {
        }

        private RedactionRefusedException(string code, string message, Exception? innerException)
            : base(message, innerException) => Code = code;

        /// <summary>The reason code of SPEC §5 the refusal maps to.</summary>
        public string Code { get; }

        public static RedactionRefusedException Create(string code, string message, Exception? cause) => new(code, message, cause);
    }
}
