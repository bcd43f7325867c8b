using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// A subject's consent changed (or one of its dates passed): decide its items again and move those whose
/// outcome changed, from the <c>rescreen</c> queue. Delivered at least once; the work is idempotent.
/// </summary>
public sealed class RescreenItems(ItemRescreening rescreening)
{
    [Function(nameof(RescreenItems))]
    public Task RunAsync(
        [QueueTrigger("rescreen", Connection = "MediaStorage")] string message,
        CancellationToken cancellationToken) =>
        rescreening.RescreenAsync(RescreenRequest.Parse(message), cancellationToken);
}
