using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Publishing;

/// <summary>
/// Writes the publishable copy of an item: the same media with every identifier removed (SPEC §6):
/// XMP, IPTC, EXIF GPS, maker notes, XP tags, comments, user comments and QuickTime keywords.
/// Image and media data are copied unchanged.
/// </summary>
public interface IMetadataStripper
{
    /// <summary>
    /// Copies <paramref name="source"/> (seekable, read from its start) to <paramref name="destination"/>
    /// without identifiers. Bad or unsupported input gives a failed <see cref="PublishResult"/>, never
    /// an exception; only I/O failures of the streams and cancellation throw. Nothing written to
    /// <paramref name="destination"/> may be published unless the result succeeded.
    /// </summary>
    Task<PublishResult> StripAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken);
}

/// <summary>
/// Writes a redacted derivative of an image (SPEC §6): the given face regions, each widened by a margin,
/// made unrecognisable; the result carries no metadata beyond the colour profile and is oriented for display.
/// </summary>
public interface IImageRedactor
{
    /// <summary>Whether images of this format can be redacted at all (decoded and encoded again).</summary>
    bool CanRedact(MediaFormat format);

    /// <summary>
    /// Redacts <paramref name="regions"/> (normalised to the displayed image, see <see cref="FaceRegion"/>)
    /// of <paramref name="source"/> and writes the derivative, in the same format, to
    /// <paramref name="destination"/>. Bad, hostile or too large input gives a failed result
    /// (<c>unreadable</c>, <c>too-large</c>, <c>unsupported-type</c>), never an exception.
    /// </summary>
    Task<PublishResult> RedactAsync(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, Stream destination, CancellationToken cancellationToken);
}

/// <summary>The outcome of writing a publishable copy: success, or a reason code and a message.</summary>
public sealed record PublishResult
{
    private PublishResult(string? reasonCode, string? message)
    {
        ReasonCode = reasonCode;
        Message = message;
    }

    public static PublishResult Success { get; } = new(null, null);

    /// <summary>A reason code of SPEC §5 (<c>unreadable</c>, <c>too-large</c>, <c>unsupported-type</c>).</summary>
    public string? ReasonCode { get; }

    /// <summary>What went wrong, for logs and people; never contains file contents.</summary>
    public string? Message { get; }

    public bool Succeeded => ReasonCode is null;

    public static PublishResult Failed(string reasonCode, string message) =>
        new(reasonCode ?? throw new ArgumentNullException(nameof(reasonCode)), message);
}
