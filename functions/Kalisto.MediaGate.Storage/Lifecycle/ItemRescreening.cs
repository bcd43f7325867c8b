using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// Decides again, with their stored tags and the register as it is now, every item in which a subject
/// was found (SPEC §7), and moves the items whose outcome changed: out of <c>approved</c> on withdrawal
/// or expiry, into <c>approved</c> when late consent arrives, or only new channels. The move is
/// <see cref="ItemMoves"/>: concurrent re-screens of one item never fail each other (a conflict means
/// deciding again), and a request delivered again records nothing twice.
/// </summary>
public sealed partial class ItemRescreening(
    IConsentRegister register,
    ItemCatalog catalog,
    ItemMoves moves,
    ILogger<ItemRescreening> logger)
{
    public const string Trigger = "rescreen";

    /// <summary>Items re-screened at once: the work waits on storage.</summary>
    private const int Concurrency = 16;

    /// <summary>Re-screens the items of the request's subject; returns how many changed state (decisions recorded).</summary>
    public async Task<int> RescreenAsync(RescreenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = new HashSet<string>(await catalog.ItemsOfSubjectAsync(request.School, request.SubjectId, cancellationToken), StringComparer.Ordinal);
        var records = await register.GetSchoolAsync(request.School, cancellationToken);
        if (records.FirstOrDefault(r => r.SubjectId == request.SubjectId) is { } record)
        {
            keys.UnionWith(await catalog.ItemsOfSubjectAsync(request.School, ItemCatalog.NameKey(record.DisplayName), cancellationToken));
        }

        var changed = await SettleAsync(request.School, keys, Trigger, cancellationToken, records, trustConverged: request.FirstDelivery);
        LogRescreened(request.School, request.SubjectId, request.Cause, keys.Count, changed);
        return changed;
    }

    /// <summary>Settles each item (decide again, move); returns how many recorded a new decision.</summary>
    /// <param name="school">The items' school.</param>
    /// <param name="itemIds">The items.</param>
    /// <param name="trigger">What asked for it.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="records">The school's register, read after the change being handled (null: each item reads it).</param>
    /// <param name="trustConverged">Pass over items that stand as decided with their copies confirmed (a first delivery).</param>
    public async Task<int> SettleAsync(
        string school, IEnumerable<string> itemIds, string trigger, CancellationToken cancellationToken, IReadOnlyList<ConsentRecord>? records = null, bool trustConverged = false)
    {
        var changed = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        await Parallel.ForEachAsync(itemIds, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            try
            {
                if (await moves.SettleAsync(null, school, id, trigger, fresh: false, ct, records, trustConverged) is { Changed: true })
                {
                    Interlocked.Increment(ref changed);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // One item's failure never keeps the others (a withdrawal's other photos) published: every
                // item is settled, then the request fails and is retried for the ones that did not settle.
                LogItemFailed(school, id, e.GetType().Name);
                failures.Add(new ItemSettleException(school, id, e));
            }
        });
        return failures.IsEmpty ? changed : throw new AggregateException($"{failures.Count} item(s) of {school} could not be settled.", failures);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item {ItemId} of {School} could not be settled ({Error}); the others go on")]
    private partial void LogItemFailed(string school, string itemId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-screened {Count} item(s) of {School} {SubjectId} ({Cause}): {Changed} changed")]
    private partial void LogRescreened(string school, string subjectId, string cause, int count, int changed);
}

/// <summary>One item of a re-screen could not be settled: which one, and why (the inner exception).</summary>
public sealed class ItemSettleException(string school, string itemId, Exception inner)
    : Exception($"Item {itemId} of {school} could not be settled: {inner.Message}", inner)
{
    public string School { get; } = school;

    public string ItemId { get; } = itemId;
}
