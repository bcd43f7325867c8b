using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace Kalisto.MediaGate.Storage;

/// <summary>
/// The service clients of one storage account, made from a connection the way the Functions host
/// reads it: either a connection string (<c>MediaStorage=UseDevelopmentStorage=true</c>) or an
/// identity-based connection (<c>MediaStorage__blobServiceUri</c>, <c>__queueServiceUri</c>,
/// <c>__tableServiceUri</c>, <c>__credential</c>, <c>__clientId</c>).
/// </summary>
public sealed record MediaStorageConnection(BlobServiceClient Blobs, TableServiceClient Tables, QueueServiceClient Queues, TokenCredential? Credential = null)
{
    /// <summary>Clients from a connection string (Azurite's <c>UseDevelopmentStorage=true</c> works).</summary>
    public static MediaStorageConnection FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new MediaStorageConnection(
            new BlobServiceClient(connectionString),
            new TableServiceClient(connectionString),
            new QueueServiceClient(connectionString, QueueOptions()));
    }

    /// <summary>Clients from a configuration section named after the connection (e.g. <c>MediaStorage</c>).</summary>
    public static MediaStorageConnection FromConfiguration(IConfigurationSection section, AzureComponentFactory credentials)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(credentials);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return FromConnectionString(section.Value);
        }

        var blobUri = ServiceUri(section, "blobServiceUri");
        var queueUri = ServiceUri(section, "queueServiceUri");
        var tableUri = ServiceUri(section, "tableServiceUri");
        TokenCredential credential = credentials.CreateTokenCredential(section);
        return new MediaStorageConnection(
            new BlobServiceClient(blobUri, credential),
            new TableServiceClient(tableUri, credential),
            new QueueServiceClient(queueUri, credential, QueueOptions()),
            credential);
    }

    private static Uri ServiceUri(IConfigurationSection section, string key) =>
        Uri.TryCreate(section[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(
                $"The storage connection '{section.Path}' has neither a connection string nor '{section.Path}__{key}'.");

    // Queue-triggered functions expect Base64 message text.
    private static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };
}
