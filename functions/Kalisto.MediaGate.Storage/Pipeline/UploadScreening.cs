using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Subjects;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// Screens one upload and moves it (SPEC §8): decide → write the destination (conditional; a
/// repeated delivery finds its own copy) → record the decision → delete the upload with If-Match on its
/// ETag. Every step is safe to repeat and nothing is deleted before its copy is confirmed. Any error
/// throws, so the trigger fails and is retried; an error never approves anything.
/// </summary>
public sealed partial class UploadScreening(
    MediaStorage storage,
    ItemScreener screener,
    IMetadataStripper stripper,
    ItemCatalog catalog,
    ConsentOptions consentOptions,
    TimeProvider clock,
    ScreeningMetrics metrics,
    ILogger<UploadScreening> logger)
{
    public const string Trigger = "upload";

    internal const string CopyKindKey = "mediagate_copy";
    internal const string OriginalCopy = "original";
    internal const string StrippedCopy = "stripped";
    internal const string RedactedCopy = "redacted";
    internal const string ChannelsKey = "mediagate_channels";

    /// <summary>Screens <c>uploads/{name}</c>; null when it is gone (already screened by an earlier delivery).</summary>
    public async Task<ItemState?> ScreenAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var started = Stopwatch.GetTimestamp();
        var upload = storage.Uploads.GetBlobClient(name);
        ETag etag;
        string? contentType;
        ScreeningResult result;
        await using (var content = await RangedBlobStream.OpenAsync(upload, storage.Options.ReadBufferBytes, cancellationToken))
        {
            if (content is null)
            {
                LogGone(name);
                return null;
            }

            (etag, contentType) = (content.ETag, content.ContentType);
            result = await screener.ScreenAsync(name, content, clock.GetUtcNow(), cancellationToken);
        }

        var tag = BlobPlacement.Tag(etag);
        contentType = ContentTypes.For(contentType, result.Tags.Format, name);
        var decision = result.Decision;
        var location = result.Path.FullPath;
        string placed;
        if (decision.Outcome == Outcome.Approved)
        {
            (decision, placed) = await PublishAsync(upload, etag, contentType, result, cancellationToken);
        }
        else
        {
            placed = await QuarantineAsync(upload, etag, location, cancellationToken);
        }

        var item = new ItemState
        {
            School = result.Path.School,
            Location = placed,
            UploadPath = name,
            Outcome = decision.Outcome,
            RedactionPending = decision.Outcome == Outcome.Redacted,
            Subjects = decision.Subjects,
            RedactedSubjects = decision.RedactedSubjects,
            Channels = decision.Channels,
            Reasons = decision.Reasons,
            Tags = StoredTags(result.Tags),
            SourceETag = tag,
            ContentType = contentType,
            DecidedAt = decision.DecidedAt,
            DecisionKey = $"{ItemKey.For(placed)}|{Trigger}|{tag}|{ScreeningMetrics.OutcomeName(decision.Outcome)}",
        };
        // A copy that an earlier delivery of this upload left under another outcome (the register changed
        // in between) is removed: the item ends in exactly one place, and is never left published.
        var stray = decision.Outcome switch
        {
            Outcome.Approved => storage.Quarantine,
            Outcome.Quarantined => storage.Approved,
            _ => null,
        };
        await Task.WhenAll(
            catalog.RecordAsync(new DecisionRecord(item.School, item.Key, placed, Trigger, item.DecisionKey, tag, decision), item, cancellationToken),
            stray is null ? Task.CompletedTask : BlobPlacement.RemoveStrayAsync(stray, placed, tag, cancellationToken));
        if (decision.Outcome == Outcome.Redacted)
        {
            await storage.RedactQueue.SendMessageAsync(JsonSerializer.Serialize(RedactionRequest.For(item, decision, result.Tags.Format), ItemCatalog.Json), cancellationToken);
        }

        await DeleteUploadAsync(upload, etag, name, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Record(decision, Trigger, elapsed);
        LogScreened(name, placed, item.StateName, string.Join(' ', decision.Reasons.Select(r => r.Code).Distinct()), elapsed.TotalMilliseconds);
        return item;
    }

    /// <summary>A seekable stream of the blob as it was at <paramref name="etag"/>, read in small ranges.</summary>
    internal static Task<Stream> OpenAsync(BlobClient blob, ETag etag, int bufferBytes, CancellationToken cancellationToken) =>
        blob.OpenReadAsync(
            new BlobOpenReadOptions(allowModifications: false) { BufferSize = bufferBytes, Conditions = new BlobRequestConditions { IfMatch = etag } },
            cancellationToken);

    /// <summary>
    /// The tags a later decision needs (SPEC §7 decides again without the file): persons, keywords that
    /// look like subject IDs, the marker, orientation and problems. Other keywords are dropped.
    /// </summary>
    internal TagReadResult StoredTags(TagReadResult tags)
    {
        var ids = consentOptions.SubjectIdRegex();
        return tags with
        {
            Keywords = [.. tags.Keywords.Where(k => ids.IsMatch(SubjectResolver.NormaliseId(k.Value)))],
            BytesRead = 0,
        };
    }

    private async Task<(ScreeningDecision Decision, string Placed)> PublishAsync(
        BlobClient upload, ETag etag, string contentType, ScreeningResult result, CancellationToken cancellationToken)
    {
        var tag = BlobPlacement.Tag(etag);
        var location = result.Path.FullPath;
        await using var copy = TemporaryFile();
        PublishResult stripped;
        await using (var source = await OpenAsync(upload, etag, 1024 * 1024, cancellationToken))
        {
            stripped = await stripper.StripAsync(source, result.Tags.Format, copy, cancellationToken);
        }

        if (!stripped.Succeeded)
        {
            LogNotPublishable(location, stripped.ReasonCode!);
            var refused = result.Decision.Refused(stripped.ReasonCode!);
            return (refused, await QuarantineAsync(upload, etag, location, cancellationToken));
        }

        var placed = await BlobPlacement.UploadAsync(
            storage.Approved,
            location,
            tag,
            ct => BlobPlacement.HashAsync(upload, etag, ct),
            copy,
            contentType,
            Metadata(tag, StrippedCopy, result.Decision.Channels),
            cancellationToken);

        return (result.Decision, placed);
    }

    private Task<string> QuarantineAsync(BlobClient upload, ETag etag, string location, CancellationToken cancellationToken)
    {
        var tag = BlobPlacement.Tag(etag);
        return BlobPlacement.PlaceAsync(
            storage.Quarantine,
            location,
            tag,
            ct => BlobPlacement.HashAsync(upload, etag, ct),
            async (blob, ct) =>
            {
                // Server-side copy: the original's bytes never pass through this process.
                var copy = await blob.StartCopyFromUriAsync(upload.Uri, new BlobCopyFromUriOptions
                {
                    DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    SourceConditions = new BlobRequestConditions { IfMatch = etag },
                    Metadata = Metadata(tag, OriginalCopy, []),
                }, ct);
                await BlobPlacement.CompleteAsync(copy, ct);
            },
            cancellationToken);
    }

    private async Task DeleteUploadAsync(BlobClient upload, ETag etag, string name, CancellationToken cancellationToken)
    {
        try
        {
            await upload.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = etag }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted by an earlier delivery.
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Uploaded again since it was read: that new version has its own trigger and is kept.
            LogReplaced(name);
        }
    }

    internal static Dictionary<string, string> Metadata(string sourceTag, string kind, IReadOnlyList<string> channels)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BlobPlacement.SourceETagKey] = sourceTag,
            [CopyKindKey] = kind,
        };
        if (channels.Count > 0)
        {
            metadata[ChannelsKey] = string.Join(';', channels);
        }

        return metadata;
    }

    internal static FileStream TemporaryFile() => new(
        Path.Combine(Path.GetTempPath(), $"mediagate-{Guid.NewGuid():N}.tmp"),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.None,
        81920,
        FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Upload} is no longer in uploads: screened by an earlier delivery")]
    private partial void LogGone(string upload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Screened {Upload} into {Location} as {Outcome} ({Reasons}) in {Milliseconds:F0} ms")]
    private partial void LogScreened(string upload, string location, string outcome, string reasons, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location} cannot be published without identifiers ({Reason}); quarantined")]
    private partial void LogNotPublishable(string location, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upload} changed after it was read; the new version is left for its own screening")]
    private partial void LogReplaced(string upload);
}
