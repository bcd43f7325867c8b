using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>An item's own copy in <c>approved</c>, as it was found for one channel.</summary>
/// <param name="Item">The item's state as it was read before the copy.</param>
/// <param name="Name">The copy's name in <c>approved</c> (the item's location).</param>
/// <param name="ETag">The copy's ETag when it was found: it is read only as it was then.</param>
/// <param name="Channels">The channels the copy itself carries (<c>mediagate_channels</c>).</param>
public sealed record PublishedCopy(ItemState Item, string Name, ETag ETag, IReadOnlyList<string> Channels);

/// <summary>
/// What may be taken out of MediaGate for one channel (SPEC §2, §10: the communications team downloads the
/// approved items per channel). A copy is handed out only when the item's current state publishes it on the
/// channel, the copy in <c>approved</c> is the item's own (its <c>mediagate_item</c>) and carries the
/// channel, and the state still says so once the copy has been read: a withdrawal committed meanwhile is
/// never downloaded past.
/// </summary>
public sealed class PublishedCopies(MediaStorage storage, ItemCatalog catalog)
{
    /// <summary>Whether an item's state publishes it on <paramref name="channel"/>: approved, or redacted with its derivative in place.</summary>
    public static bool Publishes(ItemState item, string channel)
    {
        ArgumentNullException.ThrowIfNull(item);
        return !item.Screening
            && (item.Outcome == Outcome.Approved || (item.Outcome == Outcome.Redacted && !item.RedactionPending))
            && item.Channels.Contains(channel, StringComparer.Ordinal);
    }

    /// <summary>
    /// The item's own copy for <paramref name="channel"/>, or null when the state does not publish it there or
    /// the copy under its location is missing, another item's, not the current derivative, or without the channel.
    /// </summary>
    public async Task<PublishedCopy?> FindAsync(ItemState item, string channel, CancellationToken cancellationToken)
    {
        if (!Publishes(item, channel))
        {
            return null;
        }

        var blob = await BlobPlacement.FindAsync(storage.Approved, item.Location, cancellationToken);
        if (blob is null || !BlobPlacement.IsOwn(blob, item.ItemId)
            || (item.Outcome == Outcome.Redacted && !BlobPlacement.IsDerivativeOf(blob, item.RedactionKey))
            || blob.Properties.ETag is not { } etag)
        {
            return null;
        }

        var channels = BlobPlacement.ChannelsOf(blob).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return channels.Contains(channel, StringComparer.Ordinal) ? new PublishedCopy(item, blob.Name, etag, channels) : null;
    }

    /// <summary>
    /// Writes the copy to <paramref name="destination"/> as it was found (If-Match its ETag), then reads the
    /// item's state again. Returns the hex SHA-256 of what was written, or null when the copy or the state
    /// changed meanwhile (the caller discards what was written).
    /// </summary>
    public async Task<string?> DownloadAsync(PublishedCopy copy, string channel, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(destination);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            var response = await storage.Approved.GetBlobClient(copy.Name).DownloadStreamingAsync(
                new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = copy.ETag } }, cancellationToken);
            await using var content = response.Value.Content;
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }

        var now = await catalog.GetAsync(copy.Item.School, copy.Item.ItemId, cancellationToken);
        var same = now is { State: var state }
            && state.Generation == copy.Item.Generation
            && state.Location == copy.Name
            && Publishes(state, channel);
        return same ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null;
    }
}
