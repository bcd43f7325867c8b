using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Storage;

/// <summary>The containers, tables and queues of one MediaGate storage account (SPEC §8).</summary>
public sealed class MediaStorage
{
    public MediaStorage(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(queues);
        var names = options?.Value ?? throw new ArgumentNullException(nameof(options));
        Options = names;
        Uploads = blobs.GetBlobContainerClient(names.UploadsContainer);
        Approved = blobs.GetBlobContainerClient(names.ApprovedContainer);
        Quarantine = blobs.GetBlobContainerClient(names.QuarantineContainer);
        Consent = tables.GetTableClient(names.ConsentTable);
        Items = tables.GetTableClient(names.ItemsTable);
        Runs = tables.GetTableClient(names.RunsTable);
        RedactQueue = queues.GetQueueClient(names.RedactQueue);
        RescreenQueue = queues.GetQueueClient(names.RescreenQueue);
    }

    public StorageOptions Options { get; }

    public BlobContainerClient Uploads { get; }

    public BlobContainerClient Approved { get; }

    public BlobContainerClient Quarantine { get; }

    /// <summary>The consent register: records, their history and the re-screens they owe, per school.</summary>
    public TableClient Consent { get; }


    public TableClient Items { get; }


    public TableClient Runs { get; }

    /// <summary>Messages for the redaction worker (Base64, as queue triggers expect).</summary>
    public QueueClient RedactQueue { get; }

    /// <summary>Messages for re-screening after consent changes (Base64, as queue triggers expect).</summary>
    public QueueClient RescreenQueue { get; }

    /// <summary>
    /// Creates every container, table and queue that does not exist yet. For local development and the
    /// command line; in Azure the infrastructure creates them.
    /// </summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var container in new[] { Uploads, Approved, Quarantine })
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        foreach (var table in new[] { Consent, Items, Runs })
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }

        foreach (var queue in new[] { RedactQueue, RescreenQueue })
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }
}
