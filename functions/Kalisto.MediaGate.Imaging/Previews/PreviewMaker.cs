using Kalisto.MediaGate.Decisions;
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
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
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

    public bool HasPreview(MediaFormat format) =>
        format is MediaFormat.Jpeg or MediaFormat.Png or MediaFormat.WebP or MediaFormat.Gif or MediaFormat.Tiff;

    /// <inheritdoc />
    public async Task<bool> MakeAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!HasPreview(format))
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var input = source.CanSeek ? source : await BufferAsync(source, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.PixelWorkTimeout);
        MemoryStream output;
        try
        {
            // A thread of its own, as in the redactor: the deadline's timer must be able to fire.
            output = await Task.Factory.StartNew(
                    () => Make(input, format, deadline.Token),
                    deadline.Token,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default)
                .WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PreviewException($"the preview took longer than {_options.PixelWorkTimeout.TotalSeconds:0.###} s");
        }

        await using (output)
        {
            output.Position = 0;
            await output.CopyToAsync(destination, cancellationToken);
        }

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

    private static async Task<Stream> BufferAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return buffer;
    }

    private MemoryStream Make(Stream source, MediaFormat format, CancellationToken cancellationToken)
    {
        var configuration = ImagingConfiguration.Shared;
        var (expected, decoder) = Codec(format);
        try
        {
            source.Position = 0;
            if (Image.DetectFormat(configuration, source) != expected)
            {
                throw new PreviewException($"content is not a {format} image");
            }

            source.Position = 0;
            var info = ((IImageInfoDetector)decoder).Identify(configuration, source, cancellationToken);
            if (info is null || info.Width < 1 || info.Height < 1)
            {
                throw new PreviewException($"not a readable {format} image");
            }

            if ((long)info.Width * info.Height > _options.MaxPixels)
            {
                throw new PreviewException($"{info.Width}x{info.Height} pixels is more than the limit of {_options.MaxPixels}") { ReasonCode = ReasonCode.TooLarge };
            }

            source.Position = 0;
            using var image = decoder.Decode<Rgba32>(configuration, source, cancellationToken);
            while (image.Frames.Count > 1)
            {
                image.Frames.RemoveFrame(image.Frames.Count - 1);
            }

            // TIFF keeps its tags, orientation included, on the frame; AutoOrient reads the image's profile.
            image.Metadata.ExifProfile ??= image.Frames.RootFrame.Metadata.ExifProfile;
            image.Mutate(context => context.AutoOrient());
            cancellationToken.ThrowIfCancellationRequested();
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
        catch (PreviewException)
        {
            throw;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the deadline (or the caller), whatever the decoder made of it.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidMemoryOperationException or OutOfMemoryException
            || e.InnerException is InvalidMemoryOperationException)
        {
            throw new PreviewException($"{format} image needs more memory than allowed", e) { ReasonCode = ReasonCode.TooLarge };
        }
#pragma warning disable CA1031 // Any failure of a decoder on untrusted input is a problem of the file, never a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new PreviewException($"{format} image cannot be decoded ({e.GetType().Name})", e);
        }
    }

    /// <summary>The ImageSharp format and a decoder that reads its first frame only.</summary>
    private static (IImageFormat Format, IImageDecoder Decoder) Codec(MediaFormat format) => format switch
    {
        MediaFormat.Jpeg => (JpegFormat.Instance, new JpegDecoder()),
        MediaFormat.Png => (PngFormat.Instance, new PngDecoder()),
        MediaFormat.WebP => (WebpFormat.Instance, new WebpDecoder()),
        MediaFormat.Gif => (GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First }),
        MediaFormat.Tiff => (TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First }),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "a format without a preview"),
    };

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
