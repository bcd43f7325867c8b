using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The blob service's CORS rule that lets the web app's pages send a file straight to an upload URL (a browser asks
/// the storage account first whether a page of that origin may PUT there). Only PUT (a blob, a block, the block list)
/// with the headers an upload sends; nothing is exposed to the page. <c>infra/app/storage.bicep</c> sets the same rule
/// in Azure for the app's origin.
/// </summary>
public static class UploadCors
{
    /// <summary>
    /// The request headers an upload sends: the upload URL's <c>headers</c>, the content type of a single PUT or of the
    /// block list (<c>x-ms-blob-content-type</c>), <c>if-none-match</c> on the block list, and what the browser adds.
    /// </summary>
    public const string AllowedHeaders = "content-type,x-ms-blob-type,x-ms-blob-content-type,x-ms-meta-uploader,x-ms-version,x-ms-client-request-id,if-none-match";

    /// <summary>
    /// Adds a rule for <paramref name="origin"/> to the service's CORS rules when none covers it yet (PUT with every
    /// header of <see cref="AllowedHeaders"/>), in place of an older rule of exactly that origin, keeping every other
    /// rule; true when it set one. For local storage (Azurite): in Azure the infrastructure sets the rule.
    /// </summary>
    public static async Task<bool> AllowAsync(BlobServiceClient service, Uri origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(origin);
        var allowed = origin.GetLeftPart(UriPartial.Authority);
        var properties = (await service.GetPropertiesAsync(cancellationToken)).Value;
        var rules = (properties.Cors ?? []).ToList();
        if (rules.Any(r => Covers(r, allowed)))
        {
            return false;
        }

        rules.RemoveAll(r => r.AllowedOrigins.Trim() == allowed);
        rules.Add(new BlobCorsRule
        {
            AllowedOrigins = allowed,
            AllowedMethods = "PUT",
            AllowedHeaders = AllowedHeaders,
            ExposedHeaders = "x-ms-request-id",
            MaxAgeInSeconds = 600,
        });
        properties.Cors = rules;
        await service.SetPropertiesAsync(properties, cancellationToken);
        return true;
    }

    private static bool Covers(BlobCorsRule rule, string origin)
    {
        var headers = rule.AllowedHeaders.Split(',', StringSplitOptions.TrimEntries);
        return rule.AllowedMethods.Split(',', StringSplitOptions.TrimEntries).Contains("PUT", StringComparer.OrdinalIgnoreCase)
            && rule.AllowedOrigins.Split(',', StringSplitOptions.TrimEntries).Any(o => o == origin || o == "*")
            && (headers.Contains("*") || AllowedHeaders.Split(',').All(h => headers.Contains(h, StringComparer.OrdinalIgnoreCase)));
    }
}
