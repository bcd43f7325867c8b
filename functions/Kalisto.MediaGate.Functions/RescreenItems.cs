using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// A subject's consent changed (or one of its dates passed): decide its items again and move those whose
/// outcome changed, from the <c>rescreen</c> queue. Delivered at least once; the work is idempotent, and the
/// subject's outbox row is cleared only when this re-screen started after the last change.
/// </summary>
public sealed class RescreenItems(RescreenOutbox outbox, ItemRescreening rescreening)
{
    [Function(nameof(RescreenItems))]
    public Task RunAsync(
        [QueueTrigger("rescreen", Connection = "MediaStorage")] string message,
        long dequeueCount,
        CancellationToken cancellationToken) =>
        outbox.HandleAsync(RescreenRequest.Parse(message) with { FirstDelivery = dequeueCount == 1 }, rescreening.RescreenAsync, cancellationToken);
}
