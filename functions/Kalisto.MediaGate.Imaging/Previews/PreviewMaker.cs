using Kalisto.MediaGate.Imaging.Pixels;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Imaging.Previews;

/// <summary>
/// Makes previews with ImageSharp under the same limits as the redactor (SPEC §6): the pixel count is read
/// from the header before anything is decoded, the first frame only is decoded, with the process-wide
/// allocation limit, on a thread of its own under <see cref="ImagingOptions.PixelWorkTimeout"/>. The image
/// is turned upright, shrunk to fit <see cref="IPreviewMaker.MaxSide"/> (never enlarged), laid on white
/// where it is transparent and encoded as a baseline JPEG without any metadata.
/// </summary>
/// <remarks>
/// The colour profile is dropped with the rest (ImageSharp 2.1 cannot convert to sRGB): a preview of a wide
/// gamut photo is shown a little less saturated, which a thumbnail can afford. HEIF has no decoder in
/// ImageSharp 2.1 and gets no preview, as videos and audio do not.
/// </remarks>
public sealed class PreviewMaker : IPreviewMaker
{
    public const int Quality = 75;

    private readonly ImagingOptions _options;

    /// <summary>A preview maker with the default limits.</summary>
    public PreviewMaker()
        : this(Options.Create(new ImagingOptions()))
    {
    }

    public PreviewMaker(IOptions<ImagingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    public bool HasPreview(MediaFormat format) => LimitedImage.Decodes(format);

    /// <inheritdoc />
    public async Task<bool> MakeAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!HasPreview(format))
        {
            return false;
        }

        await LimitedImage.RunAsync(
            source, format, destination, _options, "the preview", (input, token) => Make(input, format, token), Fail, cancellationToken);
        return true;
    }

    /// <summary>The size of the preview of an image of <paramref name="width"/> × <paramref name="height"/> (upright).</summary>
    public static Size Fit(int width, int height)
    {
        var longest = Math.Max(width, height);
        if (longest <= IPreviewMaker.MaxSide)
        {
            return new Size(width, height);
        }

        var scale = (double)IPreviewMaker.MaxSide / longest;
        return new Size(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static PreviewException Fail(string reasonCode, string message, Exception? cause) =>
        cause is null ? new PreviewException(message) { ReasonCode = reasonCode } : new PreviewException(message, cause) { ReasonCode = reasonCode };

    private MemoryStream Make(Stream source, MediaFormat format, CancellationToken cancellationToken)
    {
        using var image = LimitedImage.DecodeFirstFrame<Rgba32, PreviewException>(source, format, _options.MaxPixels, Fail, cancellationToken);
        var size = Fit(image.Width, image.Height);
        image.Mutate(context =>
        {
            if (size != image.Size())
            {
                context.Resize(size, KnownResamplers.Bicubic, compand: false);
            }

            context.BackgroundColor(Color.White);
        });
        cancellationToken.ThrowIfCancellationRequested();
        RemoveMetadata(image);
        var output = new MemoryStream();
        image.SaveAsync(output, new JpegEncoder { Quality = Quality, ColorType = JpegColorType.YCbCrRatio420 }, cancellationToken).GetAwaiter().GetResult();
        return output;
    }

    /// <summary>Every profile of the image and its frames: the JPEG encoder then writes JFIF and pixels only.</summary>
    private static void RemoveMetadata(Image image)
    {
        var metadata = image.Metadata;
        metadata.ExifProfile = null;
        metadata.IptcProfile = null;
        metadata.XmpProfile = null;
        metadata.IccProfile = null;
        foreach (var frame in image.Frames)
        {
            frame.Metadata.ExifProfile = null;
            frame.Metadata.IptcProfile = null;
            frame.Metadata.XmpProfile = null;
            frame.Metadata.IccProfile = null;
        }
    }
}
