using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>
/// The blob service's CORS rule that lets the web app's pages send a file straight to an upload URL (a browser asks
/// the storage account first whether a page of that origin may PUT there). Only the PUT of a blob with the headers an
/// upload URL names; nothing is exposed to the page.
/// </summary>
public static class UploadCors
{
    /// <summary>The request headers an upload sends (the upload URL's <c>headers</c> and what the browser adds).</summary>
    public const string AllowedHeaders = "content-type,x-ms-blob-type,x-ms-meta-uploader,x-ms-version,x-ms-client-request-id";

    /// <summary>
    /// Adds a rule for <paramref name="origin"/> to the service's CORS rules when none covers it yet, keeping every
    /// other rule; true when it added one. For local storage (Azurite): in Azure the infrastructure sets the rule.
    /// </summary>
    public static async Task<bool> AllowAsync(BlobServiceClient service, Uri origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(origin);
        var allowed = origin.GetLeftPart(UriPartial.Authority);
        var properties = (await service.GetPropertiesAsync(cancellationToken)).Value;
        var rules = properties.Cors ?? [];
        if (rules.Any(r => r.AllowedMethods.Split(',').Contains("PUT", StringComparer.OrdinalIgnoreCase)
            && r.AllowedOrigins.Split(',').Any(o => o.Trim() == allowed || o.Trim() == "*")))
        {
            return false;
        }

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
}
