using System.Diagnostics;
using System.Text.Json;
using Azure;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The redaction worker (SPEC §6): makes the redacted derivative of a quarantined original and publishes
/// it to <c>approved</c>. Runs from its own queue, so screening never waits for pixels. Safe to repeat:
/// a request for an item that was decided again since, or is already published, does nothing. When the
/// image cannot be redacted (too large, unreadable) the item stays quarantined with that reason.
/// </summary>
public sealed partial class RedactionPublishing(
    MediaStorage storage,
    IImageRedactor redactor,
    ItemCatalog catalog,
    TimeProvider clock,
    ScreeningMetrics metrics,
    ILogger<RedactionPublishing> logger)
{
    public const string Trigger = "redaction";

    public static RedactionRequest Parse(string message) =>
        JsonSerializer.Deserialize<RedactionRequest>(message, ItemCatalog.Json)
            ?? throw new InvalidDataException("An empty redaction request.");

    /// <summary>Handles one request; returns the item's state afterwards, or null when there was nothing to do.</summary>
    public async Task<ItemState?> PublishAsync(RedactionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var item = await catalog.GetAsync(request.School, request.ItemKey, cancellationToken);
        if (item is null || item.DecisionKey != request.DecisionKey || item.Outcome != Outcome.Redacted || !item.RedactionPending)
        {
            LogNothingToDo(request.Location);
            return null; // decided again since, or published by an earlier delivery
        }

        var original = storage.Quarantine.GetBlobClient(item.Location);
        await using var derivative = UploadScreening.TemporaryFile();
        PublishResult redacted;
        ETag etag;
        await using (var content = await RangedBlobStream.OpenAsync(original, 1024 * 1024, cancellationToken))
        {
            if (content is null || !content.Metadata.TryGetValue(BlobPlacement.SourceETagKey, out var source) || source != request.SourceETag)
            {
                throw new InvalidDataException($"The quarantined original of {item.Location} is not the one that was screened.");
            }

            etag = content.ETag;
            redacted = await redactor.RedactAsync(content, request.Format, request.Regions, derivative, cancellationToken);
        }

        if (!redacted.Succeeded)
        {
            LogRefused(item.Location, redacted.ReasonCode!);
            var decision = new ScreeningDecision
            {
                Outcome = Outcome.Redacted,
                Subjects = item.Subjects,
                Channels = item.Channels,
                Reasons = item.Reasons,
                DecidedAt = clock.GetUtcNow(),
            }.Refused(redacted.ReasonCode!);
            var key = $"{item.Key}|{Trigger}|{item.SourceETag}|quarantined";
            var quarantined = item with
            {
                Outcome = Outcome.Quarantined,
                RedactionPending = false,
                RedactedSubjects = [],
                Channels = [],
                Reasons = decision.Reasons,
                DecidedAt = decision.DecidedAt,
                DecisionKey = key,
            };
            await catalog.RecordAsync(new DecisionRecord(item.School, item.Key, item.Location, Trigger, key, item.SourceETag, decision), quarantined, cancellationToken);
            metrics.Record(decision, Trigger, Stopwatch.GetElapsedTime(started));
            return quarantined;
        }

        // A copy this upload left in approved under an earlier, unredacted decision must not stay.
        await BlobPlacement.RemoveStrayAsync(storage.Approved, item.Location, item.SourceETag, cancellationToken, keepKind: UploadScreening.RedactedCopy);
        await BlobPlacement.UploadAsync(
            storage.Approved,
            item.Location,
            item.SourceETag,
            ct => BlobPlacement.HashAsync(original, etag, ct),
            derivative,
            item.ContentType,
            UploadScreening.Metadata(item.SourceETag, UploadScreening.RedactedCopy, item.Channels),
            cancellationToken);
        var published = item with { RedactionPending = false };
        await catalog.UpdateAsync(published, cancellationToken);
        LogPublished(item.Location, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return published;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redaction of {Location}: nothing to do (decided again since, or already published)")]
    private partial void LogNothingToDo(string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location} cannot be redacted ({Reason}); it stays quarantined")]
    private partial void LogRefused(string location, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the redacted {Location} in {Milliseconds:F0} ms")]
    private partial void LogPublished(string location, double milliseconds);
}
