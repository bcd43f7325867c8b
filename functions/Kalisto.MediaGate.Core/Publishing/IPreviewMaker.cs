using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Publishing;

/// <summary>
/// Makes the small preview of an image that the web app shows (a gallery tile, the outcome of an upload):
/// a JPEG of at most <see cref="MaxSide"/> pixels on its long side, turned upright, with no metadata at all
/// (no EXIF, IPTC, XMP, ICC profile or comment). A preview is only a view of a copy that already exists;
/// it never decides or publishes anything.
/// </summary>
public interface IPreviewMaker
{
    /// <summary>The longest side of a preview, in pixels.</summary>
    public const int MaxSide = 480;

    /// <summary>Whether items of this format get a preview at all (images do; videos and audio do not).</summary>
    bool HasPreview(MediaFormat format);

    /// <summary>
    /// Writes the preview of <paramref name="source"/> to <paramref name="destination"/>.
    /// </summary>
    /// <returns>True when a preview was written; false, with nothing written, when the format has none.</returns>
    /// <exception cref="PreviewException">
    /// The image cannot be decoded, or it breaks the pixel, memory or time limits; nothing was written.
    /// </exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="IOException">Reading <paramref name="source"/> or writing <paramref name="destination"/> failed.</exception>
    Task<bool> MakeAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken);
}

/// <summary>An image of which no preview can be made: the file's problem, not the storage's.</summary>
public sealed class PreviewException : Exception
{
    public PreviewException()
    {
    }

    public PreviewException(string message)
        : base(message)
    {
    }

    public PreviewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A reason code of SPEC §5 (<c>unreadable</c>, <c>too-large</c>).</summary>
    public string ReasonCode { get; init; } = Decisions.ReasonCode.Unreadable;
}
