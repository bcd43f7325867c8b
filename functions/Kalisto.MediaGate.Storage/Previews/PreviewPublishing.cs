using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Previews;

/// <summary>What a preview request came to.</summary>
public enum PreviewOutcome
{
    /// <summary>The preview of the requested decision was written.</summary>
    Written,

    /// <summary>The preview of the requested decision was there already (a repeated message).</summary>
    Current,

    /// <summary>The item was decided again since, is being screened, or is gone: the newer decision asks for its own.</summary>
    Superseded,

    /// <summary>The redacted derivative is not published yet: its publication asks for the preview.</summary>
    Pending,

    /// <summary>The item's format has no preview (video, audio): nothing written.</summary>
    NoPreview,

    /// <summary>The copy cannot be made into a preview (undecodable, over the limits): nothing written.</summary>
    Refused,
}

/// <summary>
/// The preview worker: makes the preview of an item as one decision left it, from its own queue so that
/// screening never waits for pixels. The source is the copy that decision keeps: the published copy in
/// <c>approved</c> for an approved item and the published derivative for a redacted one (so the preview
/// of a redacted item is redacted too), the item's original in <c>quarantine</c> for a quarantined one.
/// A preview is only a view: it decides nothing, and a preview of an earlier decision is never served
/// (<see cref="PreviewStore.OpenAsync"/>). Safe to repeat; a preview is only ever replaced by one of a
/// later decision.
/// </summary>
public sealed partial class PreviewPublishing(
    MediaStorage storage,
    IPreviewMaker maker,
    ItemCatalog catalog,
    ItemMoves moves,
    PreviewStore previews,
    ILogger<PreviewPublishing> logger)
{
    /// <summary>Attempts at writing the preview when another writer changed it in between.</summary>
    private const int MaxRounds = 8;

    public static PreviewRequest Parse(string message) =>
        JsonSerializer.Deserialize<PreviewRequest>(message, ItemCatalog.Json)
            ?? throw new InvalidDataException("An empty preview request.");

    public static string Serialize(PreviewRequest request) => JsonSerializer.Serialize(request, ItemCatalog.Json);

    /// <summary>Handles one request.</summary>
    /// <exception cref="RequestFailedException">Storage failed; the message is retried.</exception>
    public async Task<PreviewOutcome> PublishAsync(PreviewRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.School) || string.IsNullOrEmpty(request.ItemKey))
        {
            throw new InvalidDataException("A preview request without a school or an item.");
        }

        if (await CurrentAsync(request, cancellationToken) is not { } item)
        {
            LogSuperseded(request.ItemKey, request.Generation);
            return PreviewOutcome.Superseded;
        }

        if (item.Outcome == Outcome.Redacted && item.RedactionPending)
        {
            return PreviewOutcome.Pending;
        }

        if (!maker.HasPreview(item.Tags.Format))
        {
            return PreviewOutcome.NoPreview;
        }

        var blob = previews.Blob(item.School, item.ItemId);
        var existing = await PropertiesAsync(blob, cancellationToken);
        if (existing is not null && PreviewStore.Generation(existing.Metadata) >= item.Generation)
        {
            return PreviewStore.Shows(existing.Metadata, item) ? PreviewOutcome.Current : PreviewOutcome.Superseded;
        }

        if (await SourceAsync(item, cancellationToken) is not var (source, etag))
        {
            // The copy this decision keeps is gone: the item moved on meanwhile (its decision asks again), or a
            // concurrent step is half-way; only the former ends the request.
            if (await CurrentAsync(request, cancellationToken) is null)
            {
                return PreviewOutcome.Superseded;
            }

            throw new InvalidDataException($"The copy of item {item.ItemId} that its decision {item.Generation} keeps is missing; the preview is tried again.");
        }

        await using var preview = new MemoryStream();
        try
        {
            await using var content = await ItemMoves.OpenAsync(source, etag, cancellationToken);
            await maker.MakeAsync(content, item.Tags.Format, preview, cancellationToken);
        }
        catch (PreviewException e)
        {
            LogRefused(item.ItemId, item.Generation, e.ReasonCode);
            return PreviewOutcome.Refused;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            if (await CurrentAsync(request, cancellationToken) is null)
            {
                return PreviewOutcome.Superseded; // the copy went with a newer decision
            }

            throw;
        }

        for (var round = 1; round <= MaxRounds; round++)
        {
            preview.Position = 0;
            var conditions = existing is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = existing.ETag };
            try
            {
                await blob.UploadAsync(preview, new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = PreviewStore.ContentType },
                    Metadata = PreviewStore.Metadata(item),
                }, cancellationToken);
                LogWritten(item.ItemId, item.Generation, item.StateName);
                return PreviewOutcome.Written;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another delivery wrote meanwhile: never replace a preview of the same or a later decision.
                existing = await PropertiesAsync(blob, cancellationToken);
                if (existing is not null && PreviewStore.Generation(existing.Metadata) >= item.Generation)
                {
                    return PreviewStore.Shows(existing.Metadata, item) ? PreviewOutcome.Current : PreviewOutcome.Superseded;
                }
            }
        }

        throw new InvalidOperationException($"The preview of item {item.ItemId} kept changing in {MaxRounds} rounds; it is tried again.");
    }

    /// <summary>The item's state when it is still as the requested decision left it, else null.</summary>
    private async Task<ItemState?> CurrentAsync(PreviewRequest request, CancellationToken cancellationToken) =>
        await catalog.GetAsync(request.School, request.ItemKey, cancellationToken) is { State: { Screening: false } item }
            && item.Generation == request.Generation
            ? item
            : null;

    /// <summary>The copy the item's decision keeps (own item ID only), with its ETag; null when there is none.</summary>
    private async Task<(Azure.Storage.Blobs.BlobClient Blob, ETag ETag)?> SourceAsync(ItemState item, CancellationToken cancellationToken)
    {
        var copies = await moves.CopiesAsync(item, cancellationToken);
        var (container, copy) = item.Outcome switch
        {
            Outcome.Approved => (storage.Approved, copies.Approved.FirstOrDefault(c => BlobPlacement.KindOf(c) == BlobPlacement.StrippedCopy)),
            Outcome.Redacted => (storage.Approved, copies.Approved.FirstOrDefault(c => BlobPlacement.IsDerivativeOf(c, item.RedactionKey))),
            _ => (storage.Quarantine, copies.Quarantine.FirstOrDefault()),
        };
        return copy is null ? null : (container.GetBlobClient(copy.Name), copy.Properties.ETag!.Value);
    }

    private static async Task<BlobProperties?> PropertiesAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Preview of item {ItemKey} for decision {Generation}: decided again since, nothing to do")]
    private partial void LogSuperseded(string itemKey, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No preview of item {ItemKey} for decision {Generation}: its copy cannot be made into one ({Reason})")]
    private partial void LogRefused(string itemKey, long generation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview of item {ItemKey} written for decision {Generation} ({State})")]
    private partial void LogWritten(string itemKey, long generation, string state);
}
