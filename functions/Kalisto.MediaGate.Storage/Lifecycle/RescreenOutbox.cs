using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// The re-screens owed after consent changes (SPEC §7). Every change of a record commits, in the same
/// transaction, an outbox row for its subject in the <c>consent</c> table; that row is the truth, the queue
/// message only the fast path. A message is sent after the commit (best effort); a re-screen deletes the
/// row only when it started after the last change (If-Match on the ETag read before it began); and the sweep
/// (<c>SweepConsentOutbox</c>, the daily run, <c>mediagate rescreen</c>) queues again every row left behind
/// by a lost message, a crash or a cancelled import. So a committed withdrawal is re-screened within bounded
/// time whatever else happens.
/// </summary>
public sealed partial class RescreenOutbox(MediaStorage storage, TimeProvider clock, ILogger<RescreenOutbox> logger)
{
    /// <summary>An outbox row older than this has probably lost its message: the sweep queues it again.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Queues the re-screens of subjects whose change has committed. Best effort: a failure is logged, not
    /// thrown, because the change stands and its outbox row brings the re-screen about by the sweep.
    /// </summary>
    public async Task SendAsync(IEnumerable<SubjectRef> subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        foreach (var subject in subjects)
        {
            try
            {
                await QueueAsync(new RescreenRequest(subject.School, subject.SubjectId, RescreenRequest.ConsentChange), cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                LogSendFailed(subject.School, subject.SubjectId, (e as RequestFailedException)?.Status ?? 0, (e as RequestFailedException)?.ErrorCode);
            }
        }
    }

    /// <summary>Queues one re-screen; a failure throws (for re-screens that have no outbox row, such as a date that passed).</summary>
    public async Task QueueAsync(RescreenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.RescreenQueue.SendMessageAsync(request.ToMessage(), cancellationToken);
    }

    /// <summary>
    /// Handles one re-screen request: reads the subject's outbox row (and its ETag), runs
    /// <paramref name="rescreen"/>, then deletes the row If-Match that ETag. A change committed meanwhile
    /// changed the row (412: its own re-screen is pending), and a row already gone (404) was handled by a
    /// twin delivery: neither is an error. A request without a row (a date passed, or a redelivery) is
    /// re-screened all the same: re-screening is idempotent, and never skipping it is the safe side.
    /// </summary>
    /// <returns>What <paramref name="rescreen"/> returned: how many items changed state.</returns>
    public async Task<int> HandleAsync(RescreenRequest request, Func<RescreenRequest, CancellationToken, Task<int>> rescreen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rescreen);
        var row = await storage.Consent.GetEntityIfExistsAsync<ConsentOutboxEntity>(
            request.School, ConsentRows.Outbox(request.SubjectId), cancellationToken: cancellationToken);
        var changed = await rescreen(request, cancellationToken);
        if (row.HasValue)
        {
            try
            {
                await storage.Consent.DeleteEntityAsync(row.Value!.PartitionKey, row.Value.RowKey, row.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                LogStillOwed(request.School, request.SubjectId, e.Status);
            }
        }

        return changed;
    }

    /// <summary>Every re-screen still owed, across all schools, whose change committed at least <paramref name="olderThan"/> ago.</summary>
    public async Task<IReadOnlyList<RescreenRequest>> PendingAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - olderThan;
        var filter = TableClient.CreateQueryFilter($"RowKey ge {ConsentRows.OutboxPrefix} and RowKey lt {ConsentRows.OutboxEnd} and At le {before}");
        var pending = new List<RescreenRequest>();
        await foreach (var row in storage.Consent.QueryAsync<ConsentOutboxEntity>(filter, cancellationToken: cancellationToken))
        {
            pending.Add(new RescreenRequest(row.School, row.SubjectId, row.Cause));
        }

        return [.. pending.OrderBy(r => r.School, StringComparer.Ordinal).ThenBy(r => r.SubjectId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Queues again every re-screen owed for at least <paramref name="olderThan"/> (the sweep). A twin of a
    /// message still on the queue costs one idempotent re-screen; a lost one costs a withdrawal that stays
    /// published. Returns how many were queued.
    /// </summary>
    public async Task<int> RequeueAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(olderThan, cancellationToken);
        foreach (var request in pending)
        {
            await QueueAsync(request, cancellationToken);
        }

        if (pending.Count > 0)
        {
            LogRequeued(pending.Count);
        }

        return pending.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-screen of {School} {SubjectId} not queued (status {Status}, {ErrorCode}); its outbox row stays and the sweep queues it")]
    private partial void LogSendFailed(string school, string subjectId, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox row of {School} {SubjectId} not deleted (status {Status}): changed again since, or handled already")]
    private partial void LogStillOwed(string school, string subjectId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} re-screen(s) owed without a handled message queued again")]
    private partial void LogRequeued(int count);
}
