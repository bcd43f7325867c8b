using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Lifecycle;

/// <summary>
/// Decides again, with their stored tags and the register as it is now, every item in which a subject
/// was found (SPEC §7), and moves the items whose outcome changed: out of <c>approved</c> on withdrawal
/// or expiry, into <c>approved</c> when late consent arrives, or only new channels. Each move writes the
/// destination first, records the decision, and only then removes the old copy; every step is safe to
/// repeat, and a request delivered again records nothing twice.
/// </summary>
public sealed partial class ItemRescreening(
    MediaStorage storage,
    TableConsentRegister register,
    ItemCatalog catalog,
    DecisionRules rules,
    IMetadataStripper stripper,
    IImageRedactor redactor,
    TimeProvider clock,
    ScreeningMetrics metrics,
    ILogger<ItemRescreening> logger)
{
    public const string Trigger = "rescreen";

    /// <summary>Re-screens the items of the request's subject; returns how many changed state (decisions recorded).</summary>
    public async Task<int> RescreenAsync(RescreenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var records = await register.GetSchoolAsync(request.School, cancellationToken);
        var keys = new HashSet<string>(await catalog.ItemsOfSubjectAsync(request.School, request.SubjectId, cancellationToken), StringComparer.Ordinal);
        if (records.FirstOrDefault(r => r.SubjectId == request.SubjectId) is { } record)
        {
            keys.UnionWith(await catalog.ItemsOfSubjectAsync(request.School, ItemCatalog.NameKey(record.DisplayName), cancellationToken));
        }

        var changed = 0;
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            if (await catalog.GetAsync(request.School, key, ct) is { } item && await DecideAgainAsync(item, records, ct))
            {
                Interlocked.Increment(ref changed);
            }
        });
        LogRescreened(request.School, request.SubjectId, request.Cause, keys.Count, changed);
        return changed;
    }

    private async Task<bool> DecideAgainAsync(ItemState item, IReadOnlyList<ConsentRecord> records, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = rules.Decide(item.Tags, records, clock.GetUtcNow(), redactor.CanRedact(item.Tags.Format));
        var unchanged = decision.Outcome == item.Outcome
            && decision.Channels.SequenceEqual(item.Channels)
            && decision.Reasons.SequenceEqual(item.Reasons)
            && decision.RedactedSubjects.SequenceEqual(item.RedactedSubjects);
        var next = item;
        var recorded = false;
        if (!unchanged)
        {
            (next, recorded) = await MoveAsync(item, decision, TransitionKey(item, decision), ct);
            if (recorded)
            {
                metrics.Record(decision, Trigger, Stopwatch.GetElapsedTime(started));
                LogMoved(item.Location, item.StateName, next.StateName);
            }
        }

        // Only now, with the state recorded, the copies that no longer belong go. Also when nothing changed:
        // an earlier delivery may have recorded the state and died before this step.
        switch (next.Outcome)
        {
            case Outcome.Approved:
                await BlobPlacement.RemoveStrayAsync(storage.Quarantine, item.Location, item.SourceETag, ct);
                break;
            case Outcome.Redacted:
                await BlobPlacement.RemoveStrayAsync(storage.Approved, item.Location, item.SourceETag, ct, keepKind: UploadScreening.RedactedCopy);
                break;
            default:
                await BlobPlacement.RemoveStrayAsync(storage.Approved, item.Location, item.SourceETag, ct);
                break;
        }

        return recorded;
    }

    /// <summary>
    /// The decision's key: the item, the state it replaces, and what it decides. The same transition
    /// made twice (the message delivered again, or two subjects' re-screens reaching the same item at
    /// once) has the same key, so the audit trail gets one row.
    /// </summary>
    private static string TransitionKey(ItemState item, ScreeningDecision decision)
    {
        var transition = string.Join('\n', item.DecisionKey, ScreeningMetrics.OutcomeName(decision.Outcome), string.Join(';', decision.Channels),
            string.Join(';', decision.Reasons.Select(r => $"{r.Code}:{r.Subject}")), string.Join(';', decision.RedactedSubjects));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(transition)))[..16];
        return $"{item.Key}|{Trigger}|{hash}";
    }

    /// <summary>Writes the copy the new outcome needs, then records the decision and the new state.</summary>
    private async Task<(ItemState Next, bool Recorded)> MoveAsync(ItemState item, ScreeningDecision decision, string key, CancellationToken ct)
    {
        var tag = item.SourceETag;
        if (decision.Outcome == Outcome.Approved)
        {
            decision = await PublishAsync(item, decision, ct);
        }

        if (decision.Outcome != Outcome.Approved)
        {
            await EnsureQuarantinedAsync(item, ct);
        }

        var redactionStillValid = decision.Outcome == Outcome.Redacted && item.Outcome == Outcome.Redacted && !item.RedactionPending
            && decision.RedactedSubjects.SequenceEqual(item.RedactedSubjects);
        if (redactionStillValid)
        {
            await SetChannelsAsync(item.Location, tag, decision.Channels, ct);
        }
        else if (decision.Outcome == Outcome.Redacted)
        {
            // The derivative no longer matches: it goes before a new one is made.
            await BlobPlacement.RemoveStrayAsync(storage.Approved, item.Location, tag, ct);
        }

        var next = item with
        {
            Outcome = decision.Outcome,
            Subjects = decision.Subjects,
            Channels = decision.Channels,
            Reasons = decision.Reasons,
            RedactedSubjects = decision.RedactedSubjects,
            RedactionPending = decision.Outcome == Outcome.Redacted && !redactionStillValid,
            DecidedAt = decision.DecidedAt,
            DecisionKey = key,
        };
        var recorded = await catalog.RecordAsync(new DecisionRecord(item.School, item.Key, item.Location, Trigger, key, tag, decision), next, ct);
        if (next.RedactionPending)
        {
            await storage.RedactQueue.SendMessageAsync(JsonSerializer.Serialize(RedactionRequest.For(next, decision, item.Tags.Format), ItemCatalog.Json), ct);
        }

        return (next, recorded);
    }

    /// <summary>
    /// Makes the publishable copy: an approved copy that is already there only gets its new channels; otherwise
    /// the quarantined copy is stripped into <c>approved</c>. A copy that cannot be made keeps the item quarantined.
    /// </summary>
    private async Task<ScreeningDecision> PublishAsync(ItemState item, ScreeningDecision decision, CancellationToken ct)
    {
        var tag = item.SourceETag;
        if (await BlobPlacement.OwnCopyAsync(storage.Approved, item.Location, tag, ct) is { } copied && BlobPlacement.KindOf(copied) == UploadScreening.StrippedCopy)
        {
            await SetChannelsAsync(item.Location, tag, decision.Channels, ct);
            return decision;
        }

        // A redacted derivative of this upload must make way for the full copy.
        await BlobPlacement.RemoveStrayAsync(storage.Approved, item.Location, tag, ct, keepKind: UploadScreening.StrippedCopy);
        var original = storage.Quarantine.GetBlobClient(item.Location);
        await using var copy = UploadScreening.TemporaryFile();
        ETag etag;
        PublishResult stripped;
        await using (var content = await RangedBlobStream.OpenAsync(original, 1024 * 1024, ct)
            ?? throw new InvalidDataException($"The quarantined copy of {item.Location} is missing."))
        {
            etag = content.ETag;
            stripped = await stripper.StripAsync(content, item.Tags.Format, copy, ct);
        }

        if (!stripped.Succeeded)
        {
            return decision.Refused(stripped.ReasonCode!);
        }

        await BlobPlacement.UploadAsync(
            storage.Approved,
            item.Location,
            tag,
            c => BlobPlacement.HashAsync(original, etag, c),
            copy,
            item.ContentType,
            UploadScreening.Metadata(tag, UploadScreening.StrippedCopy, decision.Channels),
            ct);
        return decision;
    }

    /// <summary>Makes sure a copy is in quarantine: for an approved item, its approved copy is copied there.</summary>
    private async Task EnsureQuarantinedAsync(ItemState item, CancellationToken ct)
    {
        var tag = item.SourceETag;
        if (await BlobPlacement.OwnCopyAsync(storage.Quarantine, item.Location, tag, ct) is not null)
        {
            return;
        }

        var approved = storage.Approved.GetBlobClient(item.Location);
        await BlobPlacement.PlaceAsync(
            storage.Quarantine,
            item.Location,
            tag,
            async c => await BlobPlacement.HashAsync(approved, (await approved.GetPropertiesAsync(cancellationToken: c)).Value.ETag, c),
            async (blob, c) =>
            {
                var copy = await blob.StartCopyFromUriAsync(approved.Uri, new BlobCopyFromUriOptions
                {
                    DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = UploadScreening.Metadata(tag, UploadScreening.StrippedCopy, []),
                }, c);
                await BlobPlacement.CompleteAsync(copy, c);
            },
            ct);
    }

    /// <summary>Sets the channels on this upload's copy in <c>approved</c> (never on another upload's copy of the same name).</summary>
    private async Task SetChannelsAsync(string location, string tag, IReadOnlyList<string> channels, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await BlobPlacement.OwnCopyAsync(storage.Approved, location, tag, ct) is not { } found)
            {
                return;
            }

            var metadata = new Dictionary<string, string>(found.Metadata, StringComparer.Ordinal)
            {
                [UploadScreening.ChannelsKey] = string.Join(';', channels),
            };
            try
            {
                await storage.Approved.GetBlobClient(location).SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = found.Properties.ETag }, ct);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 3)
            {
                // Changed by a concurrent re-screen of the same item: read it again and set the channels on that.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-screened {Count} item(s) of {School} {SubjectId} ({Cause}): {Changed} changed")]
    private partial void LogRescreened(string school, string subjectId, string cause, int count, int changed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-screened {Location}: {From} → {To}")]
    private partial void LogMoved(string location, string from, string to);
}
