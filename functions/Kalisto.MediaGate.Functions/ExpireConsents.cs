using Kalisto.MediaGate.Storage.Lifecycle;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions;

/// <summary>
/// Every night at 02:30 UTC (after midnight in the Netherlands): consents whose <c>valid_until</c> passed,
/// and withdrawals or start dates that arrived, since the last run queue the same re-screen as a change.
/// </summary>
public sealed class ExpireConsents(ConsentExpiry expiry)
{
    [Function(nameof(ExpireConsents))]
    public Task RunAsync([TimerTrigger("0 30 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return expiry.RunAsync(cancellationToken);
    }
}
