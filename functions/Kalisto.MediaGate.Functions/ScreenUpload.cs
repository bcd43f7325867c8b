using Azure.Storage.Blobs;
using Kalisto.MediaGate.Storage.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// A teacher's upload arrives: screen it and move it to <c>approved</c> or <c>quarantine</c>. Delivered
/// at least once through Event Grid; the pipeline is safe to repeat, and an error fails the invocation
/// so the host retries it (and after five failures keeps it as a poison blob) rather than approving.
/// </summary>
public sealed class ScreenUpload(UploadScreening screening)
{
    [Function(nameof(ScreenUpload))]
    public Task RunAsync(
        [BlobTrigger("uploads/{name}", Source = BlobTriggerSource.EventGrid, Connection = "MediaStorage")] BlobClient upload,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return screening.ScreenAsync(name, cancellationToken);
    }
}
