using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using Kalisto.MediaGate.Screening;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Storage;

/// <summary>The containers, tables and queues of one MediaGate storage account (SPEC §8).</summary>
public sealed class MediaStorage
{
    private readonly TokenCredential? _credential;

    /// <param name="blobs">The blob service.</param>
    /// <param name="tables">The table service.</param>
    /// <param name="queues">The queue service.</param>
    /// <param name="options">The names of the containers, tables and queues.</param>
    /// <param name="credential">
    /// The identity the blob service is used with, when it is not a shared key (see <see cref="Upload"/>).
    /// </param>
    public MediaStorage(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(queues);
        var names = options?.Value ?? throw new ArgumentNullException(nameof(options));
        Options = names;
        _credential = credential;
        Uploads = blobs.GetBlobContainerClient(names.UploadsContainer);
        Approved = blobs.GetBlobContainerClient(names.ApprovedContainer);
        Quarantine = blobs.GetBlobContainerClient(names.QuarantineContainer);
        Previews = blobs.GetBlobContainerClient(names.PreviewsContainer);
        Consent = tables.GetTableClient(names.ConsentTable);
        Items = tables.GetTableClient(names.ItemsTable);
        Runs = tables.GetTableClient(names.RunsTable);
        UploadGrants = tables.GetTableClient(names.UploadGrantsTable);
        RedactQueue = queues.GetQueueClient(names.RedactQueue);
        RescreenQueue = queues.GetQueueClient(names.RescreenQueue);
        PreviewsQueue = queues.GetQueueClient(names.PreviewsQueue);
    }

    public StorageOptions Options { get; }

    /// <summary>
    /// The upload of this name. A name that <see cref="Uri"/> would rewrite into another one (a <c>..</c>
    /// segment, a backslash: <see cref="MediaPath.NeedsLiteralAddress"/>) gets a client that sends the name
    /// as it is, so such an upload is never read, copied or deleted as another upload. That client
    /// authenticates with the identity, or, with a shared key, with a short-lived SAS for the container
    /// (a shared-key signature covers the path, which the SDK would compute from the rewritten name).
    /// </summary>
    public BlobClient Upload(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!MediaPath.NeedsLiteralAddress(name))
        {
            return Uploads.GetBlobClient(name);
        }

        // Every segment percent-encoded, dots too: the service decodes them into the name as it is.
        var path = string.Join('/', name.Split('/').Select(s => Uri.EscapeDataString(s).Replace(".", "%2E", StringComparison.Ordinal)));
        var literal = new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true };
        if (_credential is not null)
        {
            return new BlobClient(new Uri($"{Uploads.Uri.AbsoluteUri.TrimEnd('/')}/{path}", literal), _credential, LiteralAddress.Options);
        }

        if (!Uploads.CanGenerateSasUri)
        {
            throw new InvalidOperationException($"The upload {name} can only be addressed with an identity or a shared key.");
        }

        var sas = Uploads.GenerateSasUri(
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Delete,
            DateTimeOffset.UtcNow.AddHours(1));
        return new BlobClient(new Uri($"{Uploads.Uri.AbsoluteUri.TrimEnd('/')}/{path}{sas.Query}", literal), LiteralAddress.Options);
    }

    public BlobContainerClient Uploads { get; }

    public BlobContainerClient Approved { get; }

    public BlobContainerClient Quarantine { get; }

    /// <summary>Previews for the web app, each showing one decision of one item (never published anywhere).</summary>
    public BlobContainerClient Previews { get; }

    /// <summary>The consent register: records, their history and the re-screens they owe, per school.</summary>
    public TableClient Consent { get; }


    public TableClient Items { get; }


    public TableClient Runs { get; }

    /// <summary>The upload grants: who was given which upload URL (see <see cref="Tables.UploadLedger"/>).</summary>
    public TableClient UploadGrants { get; }

    /// <summary>The identity the blob service is used with; null with a shared key (a connection string).</summary>
    internal TokenCredential? Credential => _credential;

    /// <summary>Messages for the redaction worker (Base64, as queue triggers expect).</summary>
    public QueueClient RedactQueue { get; }

    /// <summary>Messages for re-screening after consent changes (Base64, as queue triggers expect).</summary>
    public QueueClient RescreenQueue { get; }

    /// <summary>Requests for the preview of an item as one decision left it (Base64, as queue triggers expect).</summary>
    public QueueClient PreviewsQueue { get; }

    /// <summary>
    /// Creates every container, table and queue that does not exist yet. For local development and the
    /// command line; in Azure the infrastructure creates them.
    /// </summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var container in new[] { Uploads, Approved, Quarantine, Previews })
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        foreach (var table in new[] { Consent, Items, Runs, UploadGrants })
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }

        foreach (var queue in new[] { RedactQueue, RescreenQueue, PreviewsQueue })
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }
}

/// <summary>
/// The transport of <see cref="MediaStorage.Upload"/>'s literal clients: the SDK builds each request's
/// <see cref="Uri"/> from a string, which removes dot segments; this sends the string as it was built.
/// </summary>
/// <remarks>
/// Written here because neither Azure.Core nor HttpClient offers it: both canonicalise the path of every
/// request, and a blob name with a <c>..</c> segment then addresses another blob.
/// </remarks>
internal sealed class LiteralAddress(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly HttpClient Client = new(new LiteralAddress(new SocketsHttpHandler()));

    public static BlobClientOptions Options { get; } = new() { Transport = new HttpClientTransport(Client) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = new Uri(uri.OriginalString, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }

        return base.SendAsync(request, cancellationToken);
    }
}
