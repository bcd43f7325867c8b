using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// Every five minutes: queues again each re-screen a consent change still owes after a few minutes (its
/// message was lost, or the import that made it crashed or was cancelled before queuing it), so a committed
/// withdrawal reaches its items within bounded time.
/// </summary>
public sealed class SweepConsentOutbox(RescreenOutbox outbox)
{
    [Function(nameof(SweepConsentOutbox))]
    public Task RunAsync([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return outbox.RequeueAsync(RescreenOutbox.StaleAfter, cancellationToken);
    }
}
