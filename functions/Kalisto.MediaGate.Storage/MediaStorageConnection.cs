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
    /// <param name="connectionString">The connection string.</param>
    /// <param name="configureClients">
    /// Changes the options of each of the three clients before it is made (retries, timeouts, policies); without
    /// it the SDK's defaults hold, as in the Functions app.
    /// </param>
    public static MediaStorageConnection FromConnectionString(string connectionString, Action<ClientOptions>? configureClients = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new MediaStorageConnection(
            new BlobServiceClient(connectionString, Configured(new BlobClientOptions(), configureClients)),
            new TableServiceClient(connectionString, Configured(new TableClientOptions(), configureClients)),
            new QueueServiceClient(connectionString, Configured(QueueOptions(), configureClients)));
    }

    /// <summary>Clients from a configuration section named after the connection (e.g. <c>MediaStorage</c>).</summary>
    /// <param name="section">The connection's configuration section.</param>
    /// <param name="credentials">Makes the credential of an identity-based connection.</param>
    /// <param name="configureClients">As for <see cref="FromConnectionString"/>.</param>
    public static MediaStorageConnection FromConfiguration(IConfigurationSection section, AzureComponentFactory credentials, Action<ClientOptions>? configureClients = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(credentials);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return FromConnectionString(section.Value, configureClients);
        }

        var blobUri = ServiceUri(section, "blobServiceUri");
        var queueUri = ServiceUri(section, "queueServiceUri");
        var tableUri = ServiceUri(section, "tableServiceUri");
        TokenCredential credential = credentials.CreateTokenCredential(section);
        return new MediaStorageConnection(
            new BlobServiceClient(blobUri, credential, Configured(new BlobClientOptions(), configureClients)),
            new TableServiceClient(tableUri, credential, Configured(new TableClientOptions(), configureClients)),
            new QueueServiceClient(queueUri, credential, Configured(QueueOptions(), configureClients)),
            credential);
    }

    private static T Configured<T>(T options, Action<ClientOptions>? configure)
        where T : ClientOptions
    {
        configure?.Invoke(options);
        return options;
    }

    private static Uri ServiceUri(IConfigurationSection section, string key) =>
        Uri.TryCreate(section[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(
                $"The storage connection '{section.Path}' has neither a connection string nor '{section.Path}__{key}'.");

    // Queue-triggered functions expect Base64 message text.
    private static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };
}
