using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Previews;

/// <summary>
/// The previews of items, in the <c>previews</c> container: one blob per item,
/// <c>{school}/{item ID}.jpg</c>, whose metadata name the decision (generation) and the state it shows.
/// A preview is served only for the decision that holds now: one made for an earlier decision (the item
/// was taken down, re-screened, redacted since) is never shown, whatever is stored.
/// </summary>
public sealed class PreviewStore(MediaStorage storage)
{
    internal const string ItemIdKey = "mediagate_item";
    internal const string GenerationKey = "mediagate_generation";
    internal const string StateKey = "mediagate_state";

    public const string ContentType = "image/jpeg";

    /// <summary>The name of an item's preview.</summary>
    public static string NameOf(string school, string itemKey) => $"{school}/{itemKey}.jpg";

    /// <summary>
    /// The preview of <paramref name="item"/> as it is now (the caller read the item's state just before), or
    /// null when there is none for its current decision: never made (a video, a redaction still pending, a
    /// request not handled yet) or made for another decision. The caller disposes the stream.
    /// </summary>
    public async Task<Stream?> OpenAsync(ItemState item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Screening || item.RedactionPending)
        {
            return null;
        }

        BlobDownloadStreamingResult download;
        try
        {
            download = (await storage.Previews.GetBlobClient(NameOf(item.School, item.ItemId)).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        // The metadata come with the content in one response: they describe exactly these bytes.
        if (Shows(download.Details.Metadata, item))
        {
            return download.Content;
        }

        await download.Content.DisposeAsync();
        return null;
    }

    /// <summary>Whether a preview with these metadata shows <paramref name="item"/> as it is now.</summary>
    internal static bool Shows(IDictionary<string, string> metadata, ItemState item) =>
        metadata.TryGetValue(ItemIdKey, out var id) && id == item.ItemId
        && Generation(metadata) == item.Generation
        && metadata.TryGetValue(StateKey, out var state) && state == item.StateName;

    /// <summary>The decision a preview shows, or -1 when its metadata do not say.</summary>
    internal static long Generation(IDictionary<string, string> metadata) =>
        metadata.TryGetValue(GenerationKey, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : -1;

    internal static Dictionary<string, string> Metadata(ItemState item) => new(StringComparer.Ordinal)
    {
        [ItemIdKey] = item.ItemId,
        [GenerationKey] = item.Generation.ToString(CultureInfo.InvariantCulture),
        [StateKey] = item.StateName,
    };

    internal BlobClient Blob(string school, string itemKey) => storage.Previews.GetBlobClient(NameOf(school, itemKey));
}
