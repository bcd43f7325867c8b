using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Kalisto.MediaGate.Tests.Support;

internal static class Blobs
{
    public static async Task UploadAsync(this BlobContainerClient container, string name, byte[] content) =>
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);

    public static async Task UploadFixtureAsync(this BlobContainerClient container, string name, string fixture) =>
        await container.UploadAsync(name, await File.ReadAllBytesAsync(TestData.File(fixture)));

    public static async Task<List<string>> NamesAsync(this BlobContainerClient container, string? prefix = null)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    public static async Task<byte[]> ReadAsync(this BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    /// <summary>
    /// Uploads under exactly <paramref name="name"/>, also a name that the SDK would rewrite (a <c>..</c>
    /// segment, a backslash): with a plain HTTP request whose path is sent as it is, as any other client can.
    /// </summary>
    public static async Task UploadAsWrittenAsync(this BlobContainerClient container, string name, byte[] content, string contentType = "application/octet-stream")
    {
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write, DateTimeOffset.UtcNow.AddHours(1));
        var path = string.Join('/', name.Split('/').Select(s => Uri.EscapeDataString(s).Replace(".", "%2E", StringComparison.Ordinal)));
        var uri = new Uri($"{container.Uri.AbsoluteUri}/{path}{sas.Query}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent(content) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", "2025-01-05");
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
