using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Tests.Support;

// Until the Imaging redactor is wired into AddMediaGate.
internal sealed class NoRedactor : IImageRedactor
{
    public bool CanRedact(MediaFormat format) => false;

    public Task<PublishResult> RedactAsync(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, Stream destination, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
