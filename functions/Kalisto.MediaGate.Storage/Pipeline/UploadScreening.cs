using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Subjects;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// Screens one upload (SPEC §8): read its tags → record the item and index it under every subject its
/// tags name, before the register is read, so a consent change committed from then on finds it → decide
/// and move it (<see cref="ItemMoves"/>: destination first, then the decision, conditional on the state
/// read) → delete the upload with If-Match on its ETag. Every step is safe to repeat and nothing is
/// deleted before its copy is confirmed. Any error throws, so the trigger fails and is retried; an error
/// never approves anything.
/// </summary>
public sealed partial class UploadScreening(
    MediaStorage storage,
    ITagReader tagReader,
    ItemMoves moves,
    ItemCatalog catalog,
    ConsentOptions consentOptions,
    TimeProvider clock,
    ILogger<UploadScreening> logger)
{
    public const string Trigger = "upload";

    /// <summary>Screens <c>uploads/{name}</c>; null when it is gone (already screened by an earlier delivery).</summary>
    /// <remarks>
    /// An upload whose name is no school's path (SPEC §5: <c>invalid-path</c>, or a first segment that is no
    /// school code: <c>unknown-school</c>) is not read: it
    /// is kept apart in quarantine under <see cref="MediaPath.Unassigned"/>, with a name that shows where it
    /// came from, and listed in the catalog there, so nothing is lost and nothing is read as another path.
    /// </remarks>
    public async Task<ItemState?> ScreenAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var started = Stopwatch.GetTimestamp();
        var upload = storage.Upload(name);
        var path = MediaPath.Parse(name);

        ETag etag;
        TagReadResult tags;
        await using (var content = await RangedBlobStream.OpenAsync(upload, storage.Options.ReadBufferBytes, cancellationToken))
        {
            if (content is null)
            {
                LogGone(name);
                return null;
            }

            etag = content.ETag;
            tags = path.Problem is null
                ? tagReader.Read(content, Path.GetFileName(path.RelativePath))
                : path.DecidedOn(new TagReadResult { Kind = MediaKind.Unsupported, Format = MediaFormat.Unknown });
        }

        var tag = BlobPlacement.Tag(etag);
        var item = new ItemState
        {
            School = path.School,
            ItemId = ItemKey.For(name, tag),
            Location = path.FullPath,
            UploadPath = name,
            SourceETag = tag,
            Screening = true,
            Outcome = Outcome.Quarantined,
            Subjects = [],
            Channels = [],
            Reasons = [],
            Tags = StoredTags(tags),
            ContentType = ContentTypes.For(tags.Format, name),
            DecidedAt = clock.GetUtcNow(),
        };

        // Indexed before the decision reads the register: a withdrawal committed after that read
        // re-screens this item, whatever step the screening is at.
        var created = await catalog.TryCreateAsync(item, IndexKeys(item.Tags), cancellationToken);
        var start = created is { } rowETag ? new ItemRead(item, rowETag) : null;
        var settled = await moves.SettleAsync(start, item.School, item.ItemId, Trigger, fresh: created is not null, cancellationToken)
            ?? throw new InvalidDataException($"The item row of {name} is gone while it was screened.");

        await DeleteUploadAsync(upload, etag, name, cancellationToken);
        var state = settled.State;
        LogScreened(name, state.Location, state.StateName, string.Join(' ', state.Reasons.Select(r => r.Code).Distinct()), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return state;
    }

    /// <summary>
    /// The index keys of what the tags name: subject IDs (from keywords and person fields), and a hashed
    /// key of every person's name, so a record added or renamed later finds the item.
    /// </summary>
    internal IEnumerable<string> IndexKeys(TagReadResult tags)
    {
        var ids = consentOptions.SubjectIdRegex();
        foreach (var keyword in tags.Keywords)
        {
            yield return SubjectResolver.NormaliseId(keyword.Value);
        }

        foreach (var value in tags.Persons.SelectMany(p => p.Alternatives is null ? [p.Value] : p.Alternatives.Prepend(p.Value)).OfType<string>())
        {
            var id = SubjectResolver.NormaliseId(value);
            yield return ids.IsMatch(id) ? id : ItemCatalog.NameKey(value);
        }
    }

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
            // Uploaded again since it was read: that new version is another item, with its own trigger.
            LogReplaced(name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Upload} is no longer in uploads: screened by an earlier delivery")]
    private partial void LogGone(string upload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Screened {Upload} into {Location} as {Outcome} ({Reasons}) in {Milliseconds:F0} ms")]
    private partial void LogScreened(string upload, string location, string outcome, string reasons, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Upload} changed after it was read; the new version is left for its own screening")]
    private partial void LogReplaced(string upload);
}
