using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Publishing;

/// <summary>
/// The last check before a copy is written to <c>approved</c> (SPEC §8): the finished copy's bytes outside
/// its image or media data are searched for every subject ID and display name of the school's register
/// and for GPS markers. It is independent of how the copy was made (stripped, redacted), so it catches what
/// the step that made the copy missed.
/// </summary>
public interface IPublicationCheck
{
    /// <summary>
    /// Checks <paramref name="copy"/> (seekable, the whole finished copy, such as a temporary file; it is read
    /// from its start whatever its position, and its position is not restored). <see cref="PublishResult.Success"/> when nothing was found; otherwise a
    /// failed result with reason <c>unreadable</c> whose message names the check that hit and the place
    /// (never the value), or says that the copy could not be checked because its structure could not be
    /// walked. Bad input never throws; only I/O failures of the stream and cancellation do.
    /// </summary>
    PublishResult Check(Stream copy, MediaFormat format, IdentifierSearch identifiers, CancellationToken cancellationToken);
}
