using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// The last check of a copy before it is written to <c>approved</c> (SPEC §8): each container is walked to
/// collect every byte outside its image or media data, and those bytes are searched with the school's
/// <see cref="IdentifierSearch"/>; EXIF blocks are walked for a GPS pointer and ISO media for location
/// boxes. Stateless: one instance serves the whole process.
/// </summary>
/// <remarks>
/// The walks share the stripper's bounded reader and box walk but none of its decisions: they do not ask
/// what the stripper keeps, they search everything that is not image data, so a segment, chunk, tag or box
/// the stripper keeps by mistake (or that another step wrote) is found. Only the ranges to search are read:
/// the entropy-coded JPEG data is scanned for markers, but <c>mdat</c>, strips, tiles and RIFF media chunks
/// are skipped by seeking. Work is bounded as the stripper's is (a structure budget, segment, chunk and box
/// budgets), and a copy whose structure cannot be walked is refused, as one that holds an identifier is.
/// </remarks>
public sealed class PublicationCheck : IPublicationCheck
{
    public PublishResult Check(Stream copy, MediaFormat format, IdentifierSearch identifiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(identifiers);
        if (!copy.CanRead || !copy.CanSeek)
        {
            throw new ArgumentException("The check needs a readable, seekable copy.", nameof(copy));
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var reader = new SourceReader(copy, cancellationToken);
            if (reader.Length == 0)
            {
                return CouldNotCheck("the copy is empty");
            }

            using var search = new RangeSearch(reader, identifiers, cancellationToken);
            Walk(reader, search, format, cancellationToken);
            search.Complete();
            return PublishResult.Success;
        }
        catch (RefusedException e)
        {
            return PublishResult.Failed(ReasonCode.Unreadable, e.Message);
        }
        catch (StrippingException e)
        {
            return CouldNotCheck(e.Message);
        }
#pragma warning disable CA1031 // A parser failure on untrusted input refuses the copy, never crashes; stream I/O and cancellation still throw.
        catch (Exception e) when (e is not IOException and not OperationCanceledException and not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return CouldNotCheck($"the {format} structure could not be read ({e.GetType().Name})");
        }
    }

    private static PublishResult CouldNotCheck(string why) => PublishResult.Failed(ReasonCode.Unreadable, $"the copy could not be checked: {why}");

    private static void Walk(SourceReader reader, RangeSearch search, MediaFormat format, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case MediaFormat.Jpeg:
                JpegCheck.Check(reader, search, cancellationToken);
                break;
            case MediaFormat.Png:
                PngCheck.Check(reader, search, cancellationToken);
                break;
            case MediaFormat.Tiff:
                TiffCheck.Check(reader, search);
                break;
            case MediaFormat.WebP:
                RiffCheck.CheckWebP(reader, search, cancellationToken);
                break;
            case MediaFormat.Wav:
                RiffCheck.CheckWav(reader, search, cancellationToken);
                break;
            case MediaFormat.Gif:
                GifCheck.Check(reader, search);
                break;
            case MediaFormat.Heif:
                IsoMediaCheck.Check(reader, search, heif: true, cancellationToken);
                break;
            case MediaFormat.IsoMedia:
                IsoMediaCheck.Check(reader, search, heif: false, cancellationToken);
                break;
            case MediaFormat.Unknown:
            default:
                throw StrippingException.Unsupported($"the format {format} has no walk");
        }
    }
}
