using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// Writes and finds an item's copies in <c>approved</c> and <c>quarantine</c> under
/// <c>{school}/{relative path}</c>, never over something else (SPEC §8). Every copy carries the ID of the
/// item it belongs to; a copy is "own" only when that ID matches, so no step touches another upload's
/// copy of the same name. A name held by another item's copy gets a short content-hash suffix:
/// <c>photo-3fa2b1c4.jpg</c>.
/// </summary>
internal static class BlobPlacement
{
    public const string ItemIdKey = "mediagate_item";
    public const string SourceETagKey = "mediagate_source_etag";
    public const string CopyKindKey = "mediagate_copy";
    public const string ChannelsKey = "mediagate_channels";
    public const string RedactionKey = "mediagate_redaction";

    public const string OriginalCopy = "original";
    public const string StrippedCopy = "stripped";
    public const string RedactedCopy = "redacted";

    /// <summary>Writes (or finds) an item's copy; returns the name it is under.</summary>
    /// <param name="container">The destination container.</param>
    /// <param name="name">The wanted name.</param>
    /// <param name="itemId">The item the copy belongs to.</param>
    /// <param name="contentHash">Hex SHA-256 of the content; only asked for on a name clash.</param>
    /// <param name="write">Writes the copy, conditional on the name not existing (throws 409/412 when it does).</param>
    /// <param name="cancellationToken">Cancels the placement.</param>
    public static async Task<string> PlaceAsync(
        BlobContainerClient container,
        string name,
        string itemId,
        Func<CancellationToken, Task<string>> contentHash,
        Func<BlobClient, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var candidate = name;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var blob = container.GetBlobClient(candidate);
            try
            {
                await write(blob, cancellationToken);
                return candidate;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && e.ErrorCode != "SourceConditionNotMet")
            {
                // Taken: by this item on an earlier delivery, or by another item.
            }

            if (await FindAsync(container, candidate, cancellationToken) is not { } found)
            {
                continue; // deleted in between: try again
            }

            if (IsOwn(found, itemId))
            {
                return candidate; // written by an earlier delivery of this item
            }

            // Another item's copy: the content hash first, and when that is taken too (another upload
            // of the same content under the same name), the item ID as well.
            var hash = (await contentHash(cancellationToken))[..8];
            candidate = candidate == name ? WithSuffix(name, hash) : WithSuffix(name, $"{hash}-{itemId[..8]}");
        }

        throw new InvalidOperationException($"No free name for {name} in {container.Name}.");
    }

    /// <summary>Uploads a finished copy (a seekable stream) under <paramref name="name"/> or a suffixed form.</summary>
    public static Task<string> UploadAsync(
        BlobContainerClient container,
        string name,
        string itemId,
        Func<CancellationToken, Task<string>> contentHash,
        Stream copy,
        string contentType,
        IDictionary<string, string> metadata,
        CancellationToken cancellationToken) =>
        PlaceAsync(container, name, itemId, contentHash, async (blob, ct) =>
        {
            copy.Position = 0;
            await blob.UploadAsync(copy, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = metadata,
            }, ct);
        }, cancellationToken);

    /// <summary>
    /// Every copy of the item in a container, under its name or a suffixed form of it: one listing of the
    /// names that start with the name's stem.
    /// </summary>
    public static async Task<IReadOnlyList<BlobItem>> OwnCopiesAsync(BlobContainerClient container, string name, string itemId, CancellationToken cancellationToken)
    {
        var copies = new List<BlobItem>();
        var stem = Stem(name);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = stem, Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (IsOwn(blob, itemId))
            {
                copies.Add(blob);
            }
        }

        return copies;
    }

    /// <summary>Deletes a copy as it was listed; false when it changed since (list again).</summary>
    public static async Task<bool> DeleteAsync(BlobContainerClient container, BlobItem copy, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(copy.Name).DeleteIfExistsAsync(
                DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = copy.Properties.ETag }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>A blob with its metadata, or null when there is none of that name.</summary>
    /// <remarks>
    /// A listing rather than a properties call: "not there", the usual answer, is then a plain result
    /// instead of a 404 the SDK turns into an exception, which costs more than the request itself.
    /// The exact name sorts first among the names it is a prefix of.
    /// </remarks>
    public static async Task<BlobItem?> FindAsync(BlobContainerClient container, string name, CancellationToken cancellationToken)
    {
        await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = name, Traits = BlobTraits.Metadata }, cancellationToken).AsPages(pageSizeHint: 1))
        {
            return page.Values.FirstOrDefault() is { } first && first.Name == name ? first : null;
        }

        return null;
    }

    public static bool IsOwn(BlobItem copy, string itemId) =>
        copy.Metadata.TryGetValue(ItemIdKey, out var id) && id == itemId;

    /// <summary>What a copy is: <c>original</c>, <c>stripped</c> or <c>redacted</c> (empty when not said).</summary>
    public static string KindOf(BlobItem copy) =>
        copy.Metadata.TryGetValue(CopyKindKey, out var kind) ? kind : string.Empty;

    public static string ChannelsOf(BlobItem copy) =>
        copy.Metadata.TryGetValue(ChannelsKey, out var channels) ? channels : string.Empty;

    /// <summary>Whether a copy is the redacted derivative asked for by the decision <paramref name="redactionKey"/>.</summary>
    public static bool IsDerivativeOf(BlobItem copy, string redactionKey) =>
        KindOf(copy) == RedactedCopy && copy.Metadata.TryGetValue(RedactionKey, out var key) && key == MetadataForm(redactionKey);

    /// <summary>The metadata every copy carries: whose it is, and what it is.</summary>
    public static Dictionary<string, string> Metadata(string itemId, string sourceTag, string kind, IReadOnlyList<string> channels, string? redactionKey = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ItemIdKey] = itemId,
            [SourceETagKey] = sourceTag,
            [CopyKindKey] = kind,
        };
        if (channels.Count > 0)
        {
            metadata[ChannelsKey] = string.Join(';', channels);
        }

        if (!string.IsNullOrEmpty(redactionKey))
        {
            metadata[RedactionKey] = MetadataForm(redactionKey);
        }

        return metadata;
    }

    /// <summary>Waits for a server-side copy, unless the service already reports it done (within one account it usually is).</summary>
    public static async Task CompleteAsync(CopyFromUriOperation copy, CancellationToken cancellationToken)
    {
        if (!copy.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out var status) || status != "success")
        {
            await copy.WaitForCompletionAsync(cancellationToken);
        }
    }

    /// <summary>Hex SHA-256 of a blob's content, read in a stream.</summary>
    public static async Task<string> HashAsync(BlobClient blob, ETag etag, CancellationToken cancellationToken)
    {
        await using var stream = await blob.OpenReadAsync(
            new BlobOpenReadOptions(allowModifications: false) { BufferSize = 1024 * 1024, Conditions = new BlobRequestConditions { IfMatch = etag } },
            cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public static string Tag(ETag etag) => etag.ToString().Trim('"');

    /// <summary>
    /// The name an item's copies start from: <c>{school}/{relative path}</c> of its upload, or for an upload
    /// whose name is no school's path, the safe form of its name under <see cref="MediaPath.Unassigned"/>.
    /// </summary>
    public static string BaseName(ItemState item) => MediaPath.Parse(item.UploadPath).FullPath;

    public static string WithSuffix(string name, string suffix)
    {
        var slash = name.LastIndexOf('/');
        var dot = name.LastIndexOf('.');
        return dot > slash + 1 ? $"{name[..dot]}-{suffix}{name[dot..]}" : $"{name}-{suffix}";
    }

    /// <summary>The form of a redaction key that blob metadata can hold.</summary>
    private static string MetadataForm(string redactionKey) => redactionKey.Replace('|', '-');

    private static string Stem(string name)
    {
        var slash = name.LastIndexOf('/');
        var dot = name.LastIndexOf('.');
        return dot > slash + 1 ? name[..dot] : name;
    }
}
