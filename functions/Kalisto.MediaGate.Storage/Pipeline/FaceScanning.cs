using System.Diagnostics;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The face detection of SPEC §11 on the imaging worker: for an item whose tags would publish it, looks for the
/// faces in its original (the copy kept in quarantine), records what it found on the item's row (boxes only,
/// conditional on the row as read), and settles the item, which now decides with the faces. Screening never
/// waits for this: until then the item is in screening and nothing of it is published. Safe to repeat: faces once
/// recorded are not looked for again. An image that cannot be looked at is recorded as such (its reason then
/// quarantines it); a detector that cannot run (its model is missing) throws, so the message is retried and the
/// item stays unpublished.
/// </summary>
public sealed partial class FaceScanning(
    MediaStorage storage,
    IFaceDetector detector,
    ItemCatalog catalog,
    ItemMoves moves,
    ILogger<FaceScanning> logger)
{
    public const string Trigger = "faces";

    /// <summary>Handles one request; returns the item's state afterwards, or null when there was nothing to do.</summary>
    public async Task<ItemState?> ScanAsync(RedactionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var read = await catalog.GetAsync(request.School, request.ItemKey, cancellationToken);
        if (read is null || (request.SourceETag is { } version && read.State.SourceETag != version))
        {
            return null;
        }

        if (read.State.AwaitsFaces)
        {
            var scan = await ScanOriginalAsync(read.State, cancellationToken);
            LogScanned(read.State.Location, scan.Faces.Count, scan.Failure ?? "-", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            read = await RecordAsync(read, scan, cancellationToken);
            if (read is null)
            {
                return null;
            }

            if (!read.State.Screening)
            {
                // Decided meanwhile: by a concurrent delivery of this request, with the same faces, or by a withdrawal.
                LogNothingToDo(read.State.Location);
                return null;
            }
        }
        else if (read.State.Faces is null || !read.State.Screening)
        {
            LogNothingToDo(read.State.Location);
            return null; // decided without them since (a withdrawal), or decided with them by an earlier delivery
        }

        return (await moves.SettleAsync(read, read.State.School, read.State.ItemId, Trigger, fresh: false, cancellationToken))?.State;
    }

    private async Task<FaceScan> ScanOriginalAsync(ItemState item, CancellationToken cancellationToken)
    {
        var copies = await moves.CopiesAsync(item, cancellationToken);
        var kept = copies.Quarantine.FirstOrDefault()
            ?? throw new InvalidDataException($"The quarantined original of {item.Location} is missing.");
        await using var content = await ItemMoves.OpenAsync(storage.Quarantine.GetBlobClient(kept.Name), kept.Properties.ETag!.Value, cancellationToken);
        return await detector.DetectAsync(content, item.Tags.Format, cancellationToken);
    }

    /// <summary>Writes the scan onto the item's row, conditional on the row as read; a concurrent change is read again.</summary>
    /// <returns>The row with the faces, or null when the item is gone.</returns>
    private async Task<ItemRead?> RecordAsync(ItemRead read, FaceScan scan, CancellationToken cancellationToken)
    {
        for (var round = 1; round <= ItemMoves.MaxRounds; round++)
        {
            if (read.State.Faces is not null)
            {
                return read; // recorded by a concurrent delivery: the pixels are the same
            }

            var next = read.State with { Faces = scan };
            if (await catalog.UpdateAsync(next, read.ETag, cancellationToken) is { } etag)
            {
                return new ItemRead(next, etag);
            }

            if (await catalog.GetAsync(read.State.School, read.State.ItemId, cancellationToken) is not { } again || again.State.SourceETag != read.State.SourceETag)
            {
                return null;
            }

            read = again;
        }

        throw new ItemConflictException(read.State.School, read.State.ItemId, ItemMoves.MaxRounds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Faces of {Location}: {Count} found ({Failure}) in {Milliseconds:F0} ms")]
    private partial void LogScanned(string location, int count, string failure, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Faces of {Location}: nothing to do (decided since)")]
    private partial void LogNothingToDo(string location);
}
