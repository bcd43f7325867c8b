using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// Writes an item's copy into <c>approved</c> or <c>quarantine</c> under <c>{school}/{relative path}</c>,
/// never over something else (SPEC §8). Every copy carries the ETag of the upload it came from, so a
/// repeated delivery recognises its own copy and writes nothing. A name held by a copy of different
/// content gets a short content-hash suffix: <c>photo-3fa2b1c4.jpg</c>.
/// </summary>
internal static class BlobPlacement
{
    public const string SourceETagKey = "mediagate_source_etag";

    /// <summary>Writes (or finds) the copy; returns the name it is under.</summary>
    /// <param name="container">The destination container.</param>
    /// <param name="name">The wanted name.</param>
    /// <param name="sourceETag">The upload's ETag.</param>
    /// <param name="contentHash">Hex SHA-256 of the upload; only asked for on a name clash.</param>
    /// <param name="write">Writes the copy, conditional on the name not existing (throws 409/412 when it does).</param>
    /// <param name="cancellationToken">Cancels the placement.</param>
    public static async Task<string> PlaceAsync(
        BlobContainerClient container,
        string name,
        string sourceETag,
        Func<CancellationToken, Task<string>> contentHash,
        Func<BlobClient, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var candidate = name;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var blob = container.GetBlobClient(candidate);
            try
            {
                await write(blob, cancellationToken);
                return candidate;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Taken: by this upload on an earlier delivery, or by something else.
            }

            var existing = await FindAsync(container, candidate, cancellationToken) is { } found
                ? (found.Metadata.TryGetValue(SourceETagKey, out var source) ? source : string.Empty)
                : null;
            if (existing is null)
            {
                continue; // deleted in between: try again
            }

            if (existing == sourceETag)
            {
                return candidate; // written by an earlier delivery of this upload
            }

            if (candidate != name)
            {
                // The hash-suffixed name holds another upload of the same content: that copy is this one.
                return candidate;
            }

            candidate = WithSuffix(name, (await contentHash(cancellationToken))[..8]);
        }

        throw new InvalidOperationException($"No free name for {name} in {container.Name}.");
    }

    /// <summary>Uploads a finished copy (a seekable stream) under <paramref name="name"/> or its hash-suffixed form.</summary>
    public static Task<string> UploadAsync(
        BlobContainerClient container,
        string name,
        string sourceETag,
        Func<CancellationToken, Task<string>> contentHash,
        Stream copy,
        string contentType,
        IDictionary<string, string> metadata,
        CancellationToken cancellationToken) =>
        PlaceAsync(container, name, sourceETag, contentHash, async (blob, ct) =>
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
    /// Removes a copy that an earlier delivery of the same upload wrote under a different outcome (the
    /// register changed in between): the item must end in exactly one place, and never stay published.
    /// </summary>
    public static async Task RemoveStrayAsync(BlobContainerClient container, string name, string sourceETag, CancellationToken cancellationToken, string? keepKind = null)
    {
        var found = await OwnCopyAsync(container, name, sourceETag, cancellationToken);
        if (found is null || (keepKind is not null && KindOf(found) == keepKind))
        {
            return;
        }

        await container.GetBlobClient(name).DeleteIfExistsAsync(
            DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = found.Properties.ETag }, cancellationToken);
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

    /// <summary>The copy of the upload with <paramref name="sourceETag"/> under <paramref name="name"/>; null when the name holds none, or another upload's.</summary>
    public static async Task<BlobItem?> OwnCopyAsync(BlobContainerClient container, string name, string sourceETag, CancellationToken cancellationToken) =>
        await FindAsync(container, name, cancellationToken) is { } found
            && found.Metadata.TryGetValue(SourceETagKey, out var source) && source == sourceETag
            ? found
            : null;

    /// <summary>What a copy is: <c>original</c>, <c>stripped</c> or <c>redacted</c> (empty when not said).</summary>
    public static string KindOf(BlobItem copy) =>
        copy.Metadata.TryGetValue(UploadScreening.CopyKindKey, out var kind) ? kind : string.Empty;

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

    public static string WithSuffix(string name, string suffix)
    {
        var slash = name.LastIndexOf('/');
        var dot = name.LastIndexOf('.');
        return dot > slash + 1 ? $"{name[..dot]}-{suffix}{name[dot..]}" : $"{name}-{suffix}";
    }
}
