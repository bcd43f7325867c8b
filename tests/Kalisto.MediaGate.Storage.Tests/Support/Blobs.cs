using Azure.Storage.Blobs;

namespace Kalisto.MediaGate.Tests.Support;

internal static class Blobs
{
    public static async Task UploadAsync(this BlobContainerClient container, string name, byte[] content) =>
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);

    public static async Task UploadFixtureAsync(this BlobContainerClient container, string name, string fixture) =>
        await container.UploadAsync(name, await File.ReadAllBytesAsync(TestData.File(fixture)));

    public static async Task<List<string>> NamesAsync(this BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }

    public static async Task<byte[]> ReadAsync(this BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
}
