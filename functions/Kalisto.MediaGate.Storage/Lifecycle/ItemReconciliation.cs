using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// The daily reconciliation (SPEC §7): whatever happened to the messages in between, every item whose
/// state is not what the register decides today is settled again: an approved item whose consents no
/// longer allow it leaves <c>approved</c>, a quarantined one that consent now allows is released, a
/// redaction whose request was lost is asked for again, a screening that died half-way is finished, and a
/// copy in <c>approved</c> that its item's state does not publish (left by an attempt that died, whose
/// message was given up) is taken down. These are settled in full, never passed over as confirmed.
/// </summary>
public sealed partial class ItemReconciliation(
    MediaStorage storage,
    ItemCatalog catalog,
    IConsentRegister register,
    ItemMoves moves,
    ItemRescreening rescreening,
    ILogger<ItemReconciliation> logger)
{
    public const string Trigger = "reconcile";

    /// <summary>Settles every item that is out of line with the register; returns how many changed state.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
        var items = await catalog.ListAsync(null, cancellationToken);
        var published = await PublishedByItemAsync(cancellationToken);
        foreach (var school in items.GroupBy(i => i.School, StringComparer.Ordinal))
        {
            var records = await register.GetSchoolAsync(school.Key, cancellationToken);
            var due = school
                .Where(i => i.RedactionPending
                    || i.AwaitsFaces
                    || !i.Converged
                    || (published.Contains(i.ItemId) && !Publishes(i))
                    || moves.DecidesOtherwise(i, records))
                .Select(i => i.ItemId)
                .ToList();
            if (due.Count == 0)
            {
                continue;
            }

            var settled = await rescreening.SettleAsync(school.Key, due, Trigger, cancellationToken, records);
            LogReconciled(school.Key, due.Count, settled);
            changed += settled;
        }

        return changed;
    }

    private static bool Publishes(ItemState item) =>
        item.Outcome == Decisions.Outcome.Approved || (item.Outcome == Decisions.Outcome.Redacted && !item.RedactionPending);

    /// <summary>
    /// The items that have a copy in <c>approved</c>: one listing of the container. A copy written by an
    /// attempt that died before it recorded anything (and whose message was given up) is found this way.
    /// </summary>
    private async Task<HashSet<string>> PublishedByItemAsync(CancellationToken cancellationToken)
    {
        var items = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in storage.Approved.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }, cancellationToken))
        {
            if (blob.Metadata.TryGetValue(BlobPlacement.ItemIdKey, out var id))
            {
                items.Add(id);
            }
        }

        return items;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {School}: {Due} item(s) out of line with the register, {Changed} changed")]
    private partial void LogReconciled(string school, int due, int changed);
}
