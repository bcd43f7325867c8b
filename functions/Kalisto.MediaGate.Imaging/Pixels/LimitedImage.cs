using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;
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

namespace Kalisto.MediaGate.Imaging.Pixels;

/// <summary>Makes the failure a caller reports: a reason code of SPEC §5, a message, and the decoder's exception if any.</summary>
internal delegate TFailure ImageFailure<out TFailure>(string reasonCode, string message, Exception? cause)
    where TFailure : Exception;

/// <summary>
/// Pixel work on untrusted images under the limits of SPEC §6, for the redactor and the preview maker: the
/// detected format must be the declared one, the pixel count is read from the header and refused above
/// <see cref="ImagingOptions.MaxPixels"/> before anything is decoded, the first frame only is decoded (with
/// the process-wide allocation limit of <see cref="ImagingConfiguration.Shared"/>), on a thread of its own
/// under <see cref="ImagingOptions.PixelWorkTimeout"/> and the caller's token.
/// </summary>
/// <remarks>
/// Every refusal is made by the caller's <see cref="ImageFailure{TFailure}"/>, so each caller keeps its own
/// failure type: a deadline gives <c>unreadable</c> "… took longer than … s", a decoder out of memory
/// <c>too-large</c>, any other decoder exception <c>unreadable</c> "cannot be decoded"; an
/// <see cref="IOException"/> of the streams and the caller's cancellation go through as they are.
/// </remarks>
internal static class LimitedImage
{
    /// <summary>Whether <paramref name="format"/> has a first-frame decoder here.</summary>
    public static bool Decodes(MediaFormat format) =>
        format is MediaFormat.Jpeg or MediaFormat.Png or MediaFormat.WebP or MediaFormat.Gif or MediaFormat.Tiff;

    /// <summary>
    /// Runs <paramref name="render"/> on <paramref name="source"/> (buffered first when it cannot seek) on a thread
    /// of its own under the deadline, and copies what it made to <paramref name="destination"/>; a refusal, a
    /// timeout or a cancellation leaves the destination untouched.
    /// </summary>
    /// <param name="source">The untrusted image; read from its start.</param>
    /// <param name="format">The declared format, named in the messages of decoder failures.</param>
    /// <param name="destination">Where the output of <paramref name="render"/> is copied when it succeeds.</param>
    /// <param name="options">The deadline of the pixel work.</param>
    /// <param name="work">What the work is called in the timeout's message ("redaction", "the preview").</param>
    /// <param name="render">The pixel work, given a seekable source and the deadline's token.</param>
    /// <param name="fail">Makes the caller's failure; a failure of its type from <paramref name="render"/> goes through as it is.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="IOException">Reading the source or writing the destination failed.</exception>
    public static async Task RunAsync<TFailure>(
        Stream source,
        MediaFormat format,
        Stream destination,
        ImagingOptions options,
        string work,
        Func<Stream, CancellationToken, MemoryStream> render,
        ImageFailure<TFailure> fail,
        CancellationToken cancellationToken)
        where TFailure : Exception
    {
        var output = await RunAsync(source, format, options, work, render, fail, cancellationToken);
        await using (output)
        {
            output.Position = 0;
            await output.CopyToAsync(destination, cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="render"/> on <paramref name="source"/> (buffered first when it cannot seek) on a thread of
    /// its own under the deadline and returns what it gave, with the failures of
    /// <see cref="RunAsync{TFailure}(Stream, MediaFormat, Stream, ImagingOptions, string, Func{Stream, CancellationToken, MemoryStream}, ImageFailure{TFailure}, CancellationToken)"/>.
    /// </summary>
    public static async Task<TResult> RunAsync<TResult, TFailure>(
        Stream source,
        MediaFormat format,
        ImagingOptions options,
        string work,
        Func<Stream, CancellationToken, TResult> render,
        ImageFailure<TFailure> fail,
        CancellationToken cancellationToken)
        where TFailure : Exception
    {
        cancellationToken.ThrowIfCancellationRequested();
        var input = source.CanSeek ? source : await BufferAsync(source, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.PixelWorkTimeout);
        try
        {
            // A thread of its own: ImageSharp's row loops take the pool's threads, and the deadline's
            // timer needs one to fire on a small machine.
            return await Task.Factory.StartNew(
                    () => Render(input, format, render, fail, deadline.Token),
                    deadline.Token,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default)
                .WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw fail(ReasonCode.Unreadable, $"{work} took longer than {options.PixelWorkTimeout.TotalSeconds:0.###} s", null);
        }
    }

    /// <summary>
    /// The first frame of <paramref name="source"/>, turned upright, after the checks of the format and of the
    /// pixel count in the header; the caller disposes it.
    /// </summary>
    public static Image<TPixel> DecodeFirstFrame<TPixel, TFailure>(
        Stream source,
        MediaFormat format,
        long maxPixels,
        ImageFailure<TFailure> fail,
        CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
        where TFailure : Exception
    {
        var configuration = ImagingConfiguration.Shared;
        var (expected, decoder) = Codec(format);
        source.Position = 0;
        if (Image.DetectFormat(configuration, source) != expected)
        {
            throw fail(ReasonCode.Unreadable, $"content is not a {format} image", null);
        }

        source.Position = 0;
        var info = ((IImageInfoDetector)decoder).Identify(configuration, source, cancellationToken);
        if (info is null || info.Width < 1 || info.Height < 1)
        {
            throw fail(ReasonCode.Unreadable, $"not a readable {format} image", null);
        }

        if ((long)info.Width * info.Height > maxPixels)
        {
            throw fail(ReasonCode.TooLarge, $"{info.Width}x{info.Height} pixels is more than the limit of {maxPixels}", null);
        }

        source.Position = 0;
        var image = decoder.Decode<TPixel>(configuration, source, cancellationToken);
        try
        {
            while (image.Frames.Count > 1)
            {
                image.Frames.RemoveFrame(image.Frames.Count - 1);
            }

            // TIFF keeps its tags, orientation included, on the frame; AutoOrient reads the image's profile.
            image.Metadata.ExifProfile ??= image.Frames.RootFrame.Metadata.ExifProfile;
            image.Mutate(context => context.AutoOrient());
            cancellationToken.ThrowIfCancellationRequested();
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static async Task<Stream> BufferAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return buffer;
    }

    private static TResult Render<TResult, TFailure>(
        Stream source,
        MediaFormat format,
        Func<Stream, CancellationToken, TResult> render,
        ImageFailure<TFailure> fail,
        CancellationToken cancellationToken)
        where TFailure : Exception
    {
        try
        {
            return render(source, cancellationToken);
        }
        catch (TFailure)
        {
            throw;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the deadline (or the caller), whatever the decoder made of it: report it as such.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidMemoryOperationException or OutOfMemoryException
            || e.InnerException is InvalidMemoryOperationException)
        {
            throw fail(ReasonCode.TooLarge, $"{format} image needs more memory than allowed", e);
        }
#pragma warning disable CA1031 // Any failure of a decoder on untrusted input is a problem of the file, never a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw fail(ReasonCode.Unreadable, $"{format} image cannot be decoded ({e.GetType().Name})", e);
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
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "a format without a first-frame decoder"),
    };
}
