using System.Diagnostics;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>What a settle ended with: the item's state, and whether it recorded a new decision.</summary>
public sealed record Settled(ItemState State, bool Changed);

/// <summary>
/// The move protocol, in one place (SPEC §7, §8), for every step that decides about an item: the
/// screening of an upload, a re-screen after a consent change, the redaction worker, the daily
/// reconciliation. One round reads the item's state row (with its ETag) and the school's register,
/// decides, writes the copies the decision needs (a copy goes to <c>approved</c> only after the consent
/// records it was decided on are checked to be still current), then records the decision and the new
/// state in one transaction with If-Match on the row that was read, and only then removes copies that no
/// longer belong. A conflict (someone changed the item or the register meanwhile) means: read again,
/// decide again, never a failed message. Every step is safe to repeat; each touches only copies that
/// carry the item's own ID.
/// </summary>
public sealed partial class ItemMoves(
    MediaStorage storage,
    ItemCatalog catalog,
    IConsentRegister register,
    TableConsentRegister currentRegister,
    DecisionRules rules,
    IMetadataStripper stripper,
    IPublicationCheck publicationCheck,
    IImageRedactor redactor,
    IFaceDetector faces,
    TimeProvider clock,
    ScreeningMetrics metrics,
    ILogger<ItemMoves> logger)
{
    /// <summary>Rounds before giving up: each lost round means another writer made progress on the item.</summary>
    public const int MaxRounds = 16;

    private readonly IdentifierSearches _searches = new();

    /// <summary>
    /// Decides the item again with the register as it is now and moves its copies to match, until the
    /// state that was read is the state that holds. <paramref name="fresh"/>: the row was just created by
    /// the caller, so no copy of the item can exist yet (saves two listings on the happy path).
    /// </summary>
    /// <returns>The settled state, or null when the item has no row (nothing to do).</returns>
    /// <param name="start">The row as the caller just read or wrote it, for the first round; null to read it.</param>
    /// <param name="school">The item's school.</param>
    /// <param name="itemId">The item.</param>
    /// <param name="trigger">What asked for it (the audit trail's <c>trigger</c>).</param>
    /// <param name="fresh">The caller just created the row (no copies can exist).</param>
    /// <param name="cancellationToken">Cancels the settle.</param>
    /// <param name="records">
    /// The school's register as the caller read it after the change it handles, for the first round
    /// (a re-screen of many items reads it once); null to read it. Later rounds always read it again.
    /// </param>
    /// <param name="trustConverged">
    /// An item that the decision leaves as it is, and whose copies were confirmed to match it, needs nothing
    /// more. Only for a first delivery: a copy written by an attempt that crashed before it recorded
    /// anything is known to no row, and only the redelivery of that attempt's message settles it in full.
    /// </param>
    public async Task<Settled?> SettleAsync(
        ItemRead? start,
        string school,
        string itemId,
        string trigger,
        bool fresh,
        CancellationToken cancellationToken,
        IReadOnlyList<ConsentRecord>? records = null,
        bool trustConverged = false)
    {
        var started = Stopwatch.GetTimestamp();
        var changed = false;
        for (var round = 1; round <= MaxRounds; round++)
        {
            if (round > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * round)), clock, cancellationToken);
            }

            var read = round == 1 && start is not null ? start : await catalog.GetAsync(school, itemId, cancellationToken);
            if (read is null)
            {
                return null;
            }

            var (item, etag) = (read.State, read.ETag);
            // A register the caller read is used only when it is not older than what the state was decided on:
            // a decision may never replace a state with older consent records than that state used.
            var known = round == 1 && records is not null && !OlderThan(records, item)
                ? records
                : await register.GetSchoolAsync(item.School, cancellationToken);
            var decision = Decide(item, known);
            var next = Next(item, decision);
            if (round == 1 && trustConverged && next is null && item.Converged && !item.AwaitsFaces)
            {
                // Decided so already, and its copies were confirmed to match after the last change of the row. Not so
                // an item waiting for its faces: it is not decided, and the request for its scan may have been lost.
                return new Settled(item, changed);
            }

            var copies = fresh && round == 1 ? Copies.None : await CopiesAsync(item, cancellationToken);
            var converged = await TryConvergeAsync(next ?? item, copies, cancellationToken);
            if (converged.Refused is { } code)
            {
                LogNotPublishable(item.Location, code);
                decision = decision.Refused(code);
                next = Next(item, decision);
                converged = converged.Lost ? new Converged(item.Location) : await TryConvergeAsync(next ?? item, copies, cancellationToken);
            }

            if (converged.Stale)
            {
                LogStale(item.Location, round);
                continue; // the register changed before the copy went out: decide again
            }

            if (next is { AwaitsFaces: true })
            {
                // Into the wait for the face detection (a published item whose faces were never looked at, or one
                // that consent now allows): no decision is recorded until the faces are known, and what it published goes.
                next = next with { Location = converged.Location };
                if (await catalog.UpdateAsync(next, etag, cancellationToken) is null)
                {
                    LogConflict(item.Location, round);
                    continue;
                }

                await RemoveLeftoversAsync(next, copies, cancellationToken);
                await QueueFaceScanAsync(next, cancellationToken);
                LogMoved(item.Location, item.StateName, next.StateName, trigger, round);
                return new Settled(next, changed || !item.Screening);
            }

            if (next is null && converged.NeedsRedaction)
            {
                next = item with
                {
                    Converged = false,
                    RedactionPending = true,
                    Generation = item.Generation + 1,
                    RedactionKey = ItemKey.DecisionRow(item.ItemId, item.Generation + 1),
                    DecidedAt = decision.DecidedAt,
                };
            }

            if (next is null)
            {
                // Also when nothing changed: an earlier round may have recorded this state and died before this step.
                await RemoveLeftoversAsync(item, copies, cancellationToken);
                var confirmed = item.Converged;
                item = item with { Location = converged.Location, Converged = true };
                if (await catalog.UpdateAsync(item, etag, cancellationToken) is null)
                {
                    continue; // changed while the copies were made to match it: settle the newer state
                }

                if (!confirmed || trigger == UploadScreening.Trigger)
                {
                    // The step that recorded this state may have died before it asked for the preview (a redelivery).
                    await RequestPreviewAsync(item, cancellationToken);
                }

                if (item.RedactionPending && !fresh)
                {
                    await QueueRedactionAsync(item, cancellationToken); // the earlier request may be lost
                }

                if (item.AwaitsFaces)
                {
                    // The first request, or again: the earlier one may be lost (a repeated scan finds the faces known).
                    await QueueFaceScanAsync(item, cancellationToken);
                }

                LogSettled(item.Location, item.StateName, trigger, round);
                return new Settled(item, changed);
            }

            // The first decision of a new upload: no other step could list, so none could remove, its copies,
            // and there are no leftovers: its copies match as it is recorded.
            next = next with { Location = converged.Location, Converged = fresh && round == 1 };
            if (await catalog.CommitAsync(next, etag, trigger, decision, cancellationToken) is not { } committed)
            {
                LogConflict(item.Location, round);
                continue;
            }

            changed = true;
            metrics.Record(decision, trigger, Stopwatch.GetElapsedTime(started));
            if (next.RedactionPending)
            {
                await QueueRedactionAsync(next, cancellationToken);
            }

            // Recorded: now the published copies that no longer belong go, then the preview of the new state is asked for.
            await RemoveLeftoversAsync(next, copies, cancellationToken);
            await RequestPreviewAsync(next, cancellationToken);
            LogMoved(item.Location, item.StateName, next.StateName, trigger, round);

            // Otherwise the copies are confirmed with a write conditional on the recorded state: when another
            // step moved the item on (or removed a copy this state keeps) meanwhile, settle the newer state.
            if (next.Converged || await catalog.UpdateAsync(next with { Converged = true }, committed, cancellationToken) is not null)
            {
                return new Settled(next with { Converged = true }, changed);
            }
        }

        throw new ItemConflictException(school, itemId, MaxRounds);
    }

    /// <summary>
    /// The school's register as it is now, when it still decides <paramref name="intended"/>; null when it
    /// decides otherwise. Read just before a copy goes to <c>approved</c>, so nothing is published on a
    /// decision older than the records it used; the same records feed the last check of the copy.
    /// </summary>
    public async Task<IReadOnlyList<ConsentRecord>?> StillHoldsAsync(ItemState intended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intended);

        // The register itself, never a snapshot a command line run may decide from.
        var records = await currentRegister.GetSchoolAsync(intended.School, cancellationToken);
        return Next(intended, Decide(intended, records)) is null ? records : null;
    }

    /// <summary>
    /// The last check of a finished copy before it is written to <c>approved</c> (SPEC §8): its bytes outside
    /// the image or media data hold no subject ID or display name of <paramref name="records"/> and no GPS.
    /// </summary>
    internal PublishResult LastCheck(Stream copy, ItemState target, IReadOnlyList<ConsentRecord> records, CancellationToken cancellationToken)
    {
        var result = publicationCheck.Check(copy, target.Tags.Format, _searches.For(target.School, records), cancellationToken);
        if (!result.Succeeded)
        {
            LogLastCheck(target.Location, result.Message ?? result.ReasonCode!);
        }

        return result;
    }

    /// <summary>Whether a copy in <c>approved</c> is the one <paramref name="state"/> publishes.</summary>
    private static bool Keeps(ItemState state, BlobItem copy) => state.Outcome switch
    {
        Outcome.Approved => BlobPlacement.KindOf(copy) == BlobPlacement.StrippedCopy,
        Outcome.Redacted => BlobPlacement.IsDerivativeOf(copy, state.RedactionKey),
        _ => false,
    };

    /// <summary>The item's copies in both containers (own item ID only).</summary>
    internal async Task<Copies> CopiesAsync(ItemState item, CancellationToken cancellationToken)
    {
        var name = BlobPlacement.BaseName(item);
        var approved = BlobPlacement.OwnCopiesAsync(storage.Approved, name, item.ItemId, cancellationToken);
        var quarantine = BlobPlacement.OwnCopiesAsync(storage.Quarantine, name, item.ItemId, cancellationToken);
        return new Copies(await approved, await quarantine);
    }

    /// <summary>Whether <paramref name="records"/> hold an older version of a record than <paramref name="item"/>'s decision used.</summary>
    private static bool OlderThan(IReadOnlyList<ConsentRecord> records, ItemState item)
    {
        var versions = records.ToDictionary(r => r.SubjectId, r => r.Version, StringComparer.Ordinal);
        return item.ConsentVersions.Any(used => !versions.TryGetValue(used.Key, out var version) || version < used.Value);
    }

    /// <summary>Whether the register <paramref name="records"/> decides something else than the item's state now.</summary>
    internal bool DecidesOtherwise(ItemState item, IReadOnlyList<ConsentRecord> records) => Next(item, Decide(item, records)) is not null;

    private ScreeningDecision Decide(ItemState item, IReadOnlyList<ConsentRecord> records) =>
        rules.Decide(item.Tags, records, clock.GetUtcNow(), redactor.CanRedact(item.Tags.Format), item.Faces, faces.CanDetect(item.Tags.Format));

    /// <summary>The state a decision leads to, or null when it changes nothing.</summary>
    private static ItemState? Next(ItemState item, ScreeningDecision decision)
    {
        if (decision.AwaitsFaces)
        {
            // Not decided until its faces are known: back to (or still in) screening, which publishes nothing.
            return item.AwaitsFaces ? null : item with
            {
                Screening = true,
                Converged = false,
                Outcome = Outcome.Quarantined,
                Subjects = decision.Subjects,
                Channels = [],
                Reasons = [],
                RedactedSubjects = [],
                Redactions = [],
                RedactionPending = false,
                RedactionKey = string.Empty,
                FaceCheck = null,
                DecidedAt = decision.DecidedAt,
                ConsentVersions = decision.ConsentVersions,
            };
        }

        var same = !item.Screening
            && Equals(decision.Faces?.Unidentified, item.FaceCheck?.Unidentified)
            && decision.Outcome == item.Outcome
            && decision.Channels.SequenceEqual(item.Channels)
            && decision.Reasons.SequenceEqual(item.Reasons)
            && decision.RedactedSubjects.SequenceEqual(item.RedactedSubjects)
            && (decision.Outcome != Outcome.Redacted || decision.Redactions.SequenceEqual(item.Redactions));
        if (same)
        {
            return null;
        }

        var generation = item.Generation + 1;
        var redactionStillValid = decision.Outcome == Outcome.Redacted && item.Outcome == Outcome.Redacted && !item.Screening
            && decision.RedactedSubjects.SequenceEqual(item.RedactedSubjects) && decision.Redactions.SequenceEqual(item.Redactions);
        return item with
        {
            Screening = false,
            Converged = false,
            Outcome = decision.Outcome,
            Subjects = decision.Subjects,
            Channels = decision.Channels,
            Reasons = decision.Reasons,
            RedactedSubjects = decision.RedactedSubjects,
            Redactions = decision.Outcome == Outcome.Redacted ? decision.Redactions : [],
            RedactionPending = decision.Outcome == Outcome.Redacted && (!redactionStillValid || item.RedactionPending),
            RedactionKey = decision.Outcome != Outcome.Redacted ? string.Empty
                : redactionStillValid ? item.RedactionKey
                : ItemKey.DecisionRow(item.ItemId, generation),
            Generation = generation,
            DecidedAt = decision.DecidedAt,
            ConsentVersions = decision.ConsentVersions,
            FaceCheck = decision.Faces,
        };
    }

    /// <summary>
    /// <see cref="ConvergeAsync"/>, where a source that went away or changed while it was copied (a
    /// concurrent step moved the item on and deleted it) means: settle again from what is there now.
    /// </summary>
    private async Task<Converged> TryConvergeAsync(ItemState target, Copies copies, CancellationToken cancellationToken)
    {
        try
        {
            return await ConvergeAsync(target, copies, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return Converged.Changed;
        }
        catch (ContentLostException)
        {
            // Nothing of the upload is left (it was replaced before its first copy was made): it can never be
            // published, and stays on the review list as unreadable until a person removes it.
            LogLost(target.Location);
            return new Converged(target.Location) { Refused = ReasonCode.Unreadable, Lost = true };
        }
    }

    /// <summary>
    /// Writes the copies <paramref name="target"/> needs (and never removes one that a state recorded
    /// earlier may still rely on: that happens after the new state is recorded).
    /// </summary>
    private async Task<Converged> ConvergeAsync(ItemState target, Copies copies, CancellationToken cancellationToken)
    {
        switch (target.Outcome)
        {
            case Outcome.Approved:
                {
                    // The original stays in quarantine whatever the outcome: every publication is made from it.
                    if (await EnsureQuarantinedAsync(target, copies, cancellationToken) is null)
                    {
                        return Converged.Changed;
                    }

                    if (copies.Approved.FirstOrDefault(c => BlobPlacement.KindOf(c) == BlobPlacement.StrippedCopy) is { } published)
                    {
                        return await SetChannelsAsync(published, target.Channels, cancellationToken)
                            ? new Converged(published.Name)
                            : Converged.Changed;
                    }

                    // A redacted derivative of this item makes way for the full copy (it is a smaller publication).
                    foreach (var other in copies.Approved)
                    {
                        await BlobPlacement.DeleteAsync(storage.Approved, other, cancellationToken);
                    }

                    if (await StillHoldsAsync(target, cancellationToken) is not { } records)
                    {
                        return Converged.Changed;
                    }

                    return await PublishStrippedAsync(target, copies, records, cancellationToken);
                }

            case Outcome.Redacted:
                {
                    if (await EnsureQuarantinedAsync(target, copies, cancellationToken) is not { } original)
                    {
                        return Converged.Changed;
                    }

                    var derivative = copies.Approved.FirstOrDefault(c =>
                        BlobPlacement.IsDerivativeOf(c, target.RedactionKey));
                    if (target.RedactionPending || derivative is null)
                    {
                        return new Converged(original) { NeedsRedaction = !target.RedactionPending };
                    }

                    return await SetChannelsAsync(derivative, target.Channels, cancellationToken)
                        ? new Converged(derivative.Name)
                        : Converged.Changed;
                }

            default:
                return await EnsureQuarantinedAsync(target, copies, cancellationToken) is { } kept
                    ? new Converged(kept)
                    : Converged.Changed;
        }
    }

    /// <summary>
    /// After the state is recorded: removes every published copy listed before the round that the state
    /// does not keep. The copy in quarantine is the item's original and is never removed here: a step
    /// that acts on an older state can then only ever take a publication down, never lose the item.
    /// </summary>
    private async Task RemoveLeftoversAsync(ItemState state, Copies copies, CancellationToken cancellationToken)
    {
        foreach (var copy in copies.Approved.Where(c => !Keeps(state, c)))
        {
            await BlobPlacement.DeleteAsync(storage.Approved, copy, cancellationToken);
        }
    }

    /// <summary>Strips the original (the upload, else the quarantined copy) into <c>approved</c>.</summary>
    private async Task<Converged> PublishStrippedAsync(ItemState target, Copies copies, IReadOnlyList<ConsentRecord> records, CancellationToken cancellationToken)
    {
        if (await SourceAsync(target, copies, cancellationToken) is not var (source, etag))
        {
            return Converged.Changed;
        }

        await using var copy = TemporaryFile();
        PublishResult stripped;
        await using (var content = await OpenAsync(source, etag, cancellationToken))
        {
            stripped = await stripper.StripAsync(content, target.Tags.Format, copy, cancellationToken);
        }

        if (stripped.Succeeded)
        {
            stripped = LastCheck(copy, target, records, cancellationToken);
        }

        if (!stripped.Succeeded)
        {
            return new Converged(target.Location) { Refused = stripped.ReasonCode };
        }

        var name = await BlobPlacement.UploadAsync(
            storage.Approved,
            BlobPlacement.BaseName(target),
            target.ItemId,
            ct => BlobPlacement.HashAsync(source, etag, ct),
            copy,
            ContentTypes.For(target.Tags.Format, target.UploadPath),
            BlobPlacement.Metadata(target.ItemId, target.SourceETag, BlobPlacement.StrippedCopy, target.Channels),
            cancellationToken);
        return new Converged(name);
    }

    /// <summary>Publishes a finished redacted derivative of the item into <c>approved</c>; returns its name.</summary>
    internal Task<string> PublishRedactedAsync(ItemState target, Stream derivative, BlobClient original, ETag originalETag, CancellationToken cancellationToken) =>
        BlobPlacement.UploadAsync(
            storage.Approved,
            BlobPlacement.BaseName(target),
            target.ItemId,
            ct => BlobPlacement.HashAsync(original, originalETag, ct),
            derivative,
            ContentTypes.For(target.Tags.Format, target.UploadPath),
            BlobPlacement.Metadata(target.ItemId, target.SourceETag, BlobPlacement.RedactedCopy, target.Channels, target.RedactionKey),
            cancellationToken);

    /// <summary>
    /// The item's copy in quarantine, made when there is none: from the upload, else from its published copy.
    /// Served with the type of the detected format, whatever type the uploader gave.
    /// </summary>
    /// <returns>Its name, or null when the listing was out of date (settle again).</returns>
    private async Task<string?> EnsureQuarantinedAsync(ItemState target, Copies copies, CancellationToken cancellationToken)
    {
        var contentType = ContentTypes.For(target.Tags.Format, target.UploadPath);
        if (copies.Quarantine.FirstOrDefault() is { } kept)
        {
            if (kept.Properties.ContentType != contentType)
            {
                // Copied by an attempt that died before it set the type (or before types came from the format).
                await SetContentTypeAsync(storage.Quarantine.GetBlobClient(kept.Name), contentType, cancellationToken);
            }

            return kept.Name;
        }

        if (await SourceAsync(target, copies, cancellationToken) is not var (source, etag))
        {
            return null;
        }

        var kind = source.BlobContainerName == storage.Uploads.Name ? BlobPlacement.OriginalCopy : BlobPlacement.StrippedCopy;
        var metadata = BlobPlacement.Metadata(target.ItemId, target.SourceETag, kind, []);
        return await BlobPlacement.PlaceAsync(
            storage.Quarantine,
            BlobPlacement.BaseName(target),
            target.ItemId,
            ct => BlobPlacement.HashAsync(source, etag, ct),
            async (blob, ct) =>
            {
                if (MediaPath.NeedsLiteralAddress(source.Name))
                {
                    // The service resolves a copy's source URL into the rewritten name: these bytes pass through.
                    await using var content = await OpenAsync(source, etag, ct);
                    await blob.UploadAsync(content, new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                        Metadata = metadata,
                    }, ct);
                    return;
                }

                // Server-side copy: the original's bytes never pass through this process.
                var copy = await blob.StartCopyFromUriAsync(source.Uri, new BlobCopyFromUriOptions
                {
                    DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    SourceConditions = new BlobRequestConditions { IfMatch = etag },
                    Metadata = metadata,
                }, ct);
                await BlobPlacement.CompleteAsync(copy, ct);
                await SetContentTypeAsync(blob, contentType, ct);
            },
            cancellationToken);
    }

    /// <summary>
    /// Replaces every HTTP header of a copy (a copy takes the uploader's: type, encoding, disposition, caching)
    /// with the content type of the detected format alone.
    /// </summary>
    private static Task SetContentTypeAsync(BlobClient copy, string contentType, CancellationToken cancellationToken) =>
        copy.SetHttpHeadersAsync(new BlobHttpHeaders { ContentType = contentType }, cancellationToken: cancellationToken);

    /// <summary>
    /// Where the item's content is: the upload itself while it is there (at the version this item is),
    /// else its copy in quarantine, else its published copy; null when the listing was out of date (settle
    /// again). None left at all is an error (fail closed).
    /// </summary>
    private async Task<(BlobClient Blob, ETag ETag)?> SourceAsync(ItemState item, Copies copies, CancellationToken cancellationToken)
    {
        var upload = storage.Upload(item.UploadPath);
        if (copies.IsNone || await BlobPlacement.FindAsync(storage.Uploads, item.UploadPath, cancellationToken) is { } found
            && BlobPlacement.Tag(found.Properties.ETag!.Value) == item.SourceETag)
        {
            return (upload, new ETag($"\"{item.SourceETag}\""));
        }

        if (copies.Quarantine.FirstOrDefault() is { } kept)
        {
            return (storage.Quarantine.GetBlobClient(kept.Name), kept.Properties.ETag!.Value);
        }

        if (copies.Approved.FirstOrDefault(c => BlobPlacement.KindOf(c) == BlobPlacement.StrippedCopy) is { } published)
        {
            return (storage.Approved.GetBlobClient(published.Name), published.Properties.ETag!.Value);
        }

        // The listing may be older than a concurrent step that moved the item on (and deleted the upload).
        if ((await CopiesAsync(item, cancellationToken)) is { Approved.Count: 0, Quarantine.Count: 0 })
        {
            throw new ContentLostException(item.Location);
        }

        return null;
    }

    /// <summary>Sets the channels on the item's published copy; false when the copy changed meanwhile (settle again).</summary>
    private async Task<bool> SetChannelsAsync(BlobItem copy, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        var wanted = string.Join(';', channels);
        if (BlobPlacement.ChannelsOf(copy) == wanted)
        {
            return true;
        }

        var metadata = new Dictionary<string, string>(copy.Metadata, StringComparer.Ordinal) { [BlobPlacement.ChannelsKey] = wanted };
        try
        {
            await storage.Approved.GetBlobClient(copy.Name).SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = copy.Properties.ETag }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Asks for the preview of <paramref name="item"/> as it is recorded now (after its decision was committed).
    /// A preview is only a view: a request the queue refuses is logged and lost (the item then has no preview
    /// until its next decision), never a reason to fail the step that moved the item.
    /// </summary>
    internal async Task RequestPreviewAsync(ItemState item, CancellationToken cancellationToken)
    {
        if (item.Screening || item.RedactionPending)
        {
            return; // nothing to show yet: the decision, or the publication of the derivative, asks later
        }

        try
        {
            await storage.PreviewsQueue.SendMessageAsync(PreviewPublishing.Serialize(PreviewRequest.For(item)), cancellationToken);
        }
        catch (RequestFailedException e)
        {
            LogPreviewNotRequested(item.Location, e.Status);
        }
    }

    /// <summary>Asks the imaging worker (the redaction queue) to look for the faces of <paramref name="item"/>.</summary>
    private Task QueueFaceScanAsync(ItemState item, CancellationToken cancellationToken) =>
        storage.RedactQueue.SendMessageAsync(JsonSerializer.Serialize(RedactionRequest.FacesOf(item), ItemCatalog.Json), cancellationToken);

    private Task QueueRedactionAsync(ItemState item, CancellationToken cancellationToken) =>
        storage.RedactQueue.SendMessageAsync(JsonSerializer.Serialize(RedactionRequest.For(item), ItemCatalog.Json), cancellationToken);

    /// <summary>A seekable stream of the blob as it was at <paramref name="etag"/>, read in ranges.</summary>
    /// <remarks>The first range gives the ETag, so no separate properties request is made.</remarks>
    internal static async Task<Stream> OpenAsync(BlobClient blob, ETag etag, CancellationToken cancellationToken)
    {
        var stream = await RangedBlobStream.OpenAsync(blob, 1024 * 1024, cancellationToken);
        if (stream is null || BlobPlacement.Tag(stream.ETag) != BlobPlacement.Tag(etag))
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            throw new RequestFailedException(412, $"{blob.Name} changed since it was listed.");
        }

        return stream;
    }

    /// <summary>A new, empty temporary file for one copy, deleted when it is closed.</summary>
    public static FileStream TemporaryFile() => new(
        Path.Combine(Path.GetTempPath(), $"mediagate-{Guid.NewGuid():N}.tmp"),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.None,
        81920,
        FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>An item's copies in <c>approved</c> and <c>quarantine</c>.</summary>
    internal sealed record Copies(IReadOnlyList<BlobItem> Approved, IReadOnlyList<BlobItem> Quarantine)
    {
        public static readonly Copies None = new([], []);

        public bool IsNone => ReferenceEquals(this, None);
    }

    private sealed record Converged(string Location)
    {
        public static readonly Converged Changed = new(string.Empty) { Stale = true };

        /// <summary>The register or the copy changed meanwhile: decide again.</summary>
        public bool Stale { get; init; }

        /// <summary>The publishable copy cannot be made: quarantine with this reason.</summary>
        public string? Refused { get; init; }

        /// <summary>No copy of the item's content is left anywhere.</summary>
        public bool Lost { get; init; }

        /// <summary>A published redaction is missing its derivative: ask for it again.</summary>
        public bool NeedsRedaction { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Location}: {From} → {To} ({Trigger}, round {Round})")]
    private partial void LogMoved(string location, string from, string to, string trigger, int round);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Location} stays {State} ({Trigger}, round {Round})")]
    private partial void LogSettled(string location, string state, string trigger, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Location} was changed by a concurrent step (round {Round}): deciding again")]
    private partial void LogConflict(string location, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Location}: the register changed before the copy was published (round {Round}): deciding again")]
    private partial void LogStale(string location, int round);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: no copy of this upload is left (replaced before it was copied); it stays quarantined as unreadable")]
    private partial void LogLost(string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: the last check refused its copy for approved: {Finding}")]
    private partial void LogLastCheck(string location, string finding);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location}: the preview of its new state could not be asked for (status {Status}); it has none until its next decision")]
    private partial void LogPreviewNotRequested(string location, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Location} cannot be published without identifiers ({Reason}); quarantined")]
    private partial void LogNotPublishable(string location, string reason);
}

/// <summary>An item kept changing under every attempt to settle it; the message is retried later.</summary>
public sealed class ItemConflictException(string school, string itemId, int rounds)
    : Exception($"Item {itemId} of {school} changed in each of {rounds} rounds; it will be settled again on the next delivery.")
{
    public string School { get; } = school;

    public string ItemId { get; } = itemId;
}

/// <summary>No copy of an item's content is left: not the upload version, not in quarantine, not published.</summary>
internal sealed class ContentLostException(string location) : Exception($"No copy of {location} is left to move.");

/// <summary>
/// The <see cref="IdentifierSearch"/> of each school's register as last read, built again only when the
/// register changed (building one for 2,000 records takes tens of milliseconds; checking a copy, one).
/// </summary>
internal sealed class IdentifierSearches
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Version, IdentifierSearch Search)> _bySchool = new(StringComparer.Ordinal);

    public IdentifierSearch For(string school, IReadOnlyList<ConsentRecord> records)
    {
        // Every change of a record raises its version, so subject and version say which register this is.
        var version = string.Join(',', records.Select(r => $"{r.SubjectId}@{r.Version}").Order(StringComparer.Ordinal));
        if (_bySchool.TryGetValue(school, out var known) && known.Version == version)
        {
            return known.Search;
        }

        var search = IdentifierSearch.For(records);
        _bySchool[school] = (version, search);
        return search;
    }
}
