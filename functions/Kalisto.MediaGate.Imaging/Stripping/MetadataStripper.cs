using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// Writes the publishable copy of an item (SPEC §6) by rewriting its container losslessly: metadata
/// segments, chunks, tags and boxes that can carry identifiers are dropped or neutralised, and image and
/// media data are copied byte for byte. Stateless: one instance serves the whole process.
/// </summary>
/// <remarks>
/// The container walks are written here because no well-kept .NET library does this job: MetadataExtractor
/// only reads, and ImageSharp (like other codecs) decodes and re-encodes pixels, which is lossy for JPEG
/// and cannot keep video at all. Each walk first plans the copy from the structure alone, so a broken or
/// hostile file fails before anything is written, and then streams the large ranges.
/// </remarks>
public sealed class MetadataStripper : IMetadataStripper
{
    public async Task<PublishResult> StripAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!source.CanRead || !source.CanSeek)
        {
            throw new ArgumentException("The stripper needs a readable, seekable source.", nameof(source));
        }

        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination must be writable.", nameof(destination));
        }

        cancellationToken.ThrowIfCancellationRequested();
        OutputPlan plan;
        try
        {
            plan = Plan(new SourceReader(source, cancellationToken), format);
        }
        catch (StrippingException e)
        {
            return PublishResult.Failed(e.Code, e.Message);
        }
#pragma warning disable CA1031 // A parser failure on untrusted input is a failure of the file, never a crash; stream I/O and cancellation still throw.
        catch (Exception e) when (e is not IOException and not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return PublishResult.Failed(ReasonCode.Unreadable, $"the {format} structure could not be read ({e.GetType().Name})");
        }

        await plan.WriteAsync(source, destination, cancellationToken);
        return PublishResult.Success;
    }

    private static OutputPlan Plan(SourceReader reader, MediaFormat format)
    {
        if (reader.Length == 0)
        {
            throw StrippingException.Unreadable("the file is empty");
        }

        return format switch
        {
            MediaFormat.Jpeg => JpegStripper.Plan(reader),
            MediaFormat.Png => PngStripper.Plan(reader),
            MediaFormat.Tiff => TiffStripper.Plan(reader),
            MediaFormat.WebP => RiffStripper.PlanWebP(reader),
            MediaFormat.Wav => RiffStripper.PlanWav(reader),
            MediaFormat.Gif => GifStripper.Plan(reader),
            MediaFormat.Heif => IsoMediaStripper.PlanHeif(reader),
            MediaFormat.IsoMedia => IsoMediaStripper.PlanMedia(reader),
            MediaFormat.Unknown or _ => throw StrippingException.Unsupported("the content is not a format whose metadata MediaGate can strip"),
        };
    }
}
