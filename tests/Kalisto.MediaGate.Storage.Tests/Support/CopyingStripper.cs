using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Tests.Support;

// Until the Imaging stripper is wired into AddMediaGate.
internal sealed class CopyingStripper : IMetadataStripper
{
    public async Task<PublishResult> StripAsync(Stream source, MediaFormat format, Stream destination, CancellationToken cancellationToken)
    {
        await source.CopyToAsync(destination, cancellationToken);
        return PublishResult.Success;
    }
}

internal sealed class NoRedactor : IImageRedactor
{
    public bool CanRedact(MediaFormat format) => false;

    public Task<PublishResult> RedactAsync(Stream source, MediaFormat format, IReadOnlyList<FaceRegion> regions, Stream destination, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
