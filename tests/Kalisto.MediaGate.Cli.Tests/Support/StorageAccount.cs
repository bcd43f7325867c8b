using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>The storage account the command line works on, as the command-line tests see it.</summary>
internal static class StorageAccount
{
    /// <summary>Deletes every container, table and queue: the account as a newcomer's fresh Azurite.</summary>
    public static void Empty(string connection)
    {
        var blobs = new BlobServiceClient(connection);
        foreach (var container in blobs.GetBlobContainers())
        {
            blobs.DeleteBlobContainer(container.Name);
        }

        var tables = new TableServiceClient(connection);
        foreach (var table in tables.Query())
        {
            tables.DeleteTable(table.Name);
        }

        var queues = new QueueServiceClient(connection);
        foreach (var queue in queues.GetQueues())
        {
            queues.DeleteQueue(queue.Name);
        }
    }

    /// <summary>The JSON lines a <c>--json</c> command printed.</summary>
    public static List<JsonElement> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}
