using System.Collections.Concurrent;
using System.Web;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Playwright;

namespace Kalisto.MediaGate.Tests.Pages;

/// <summary>
/// A large video from the upload page: sent in blocks, a dropped connection costs one block, and the blob in
/// <c>uploads</c> is the file, byte for byte, with the uploader's metadata.
/// </summary>
/// <remarks>
/// Azurite refuses Put Block and Put Block List with an upload URL's create permission, which Azure allows (see the
/// storage tests). So the browser's block requests are passed on to Azurite with the same blob's create-and-write
/// signature instead; every other part of the request (the blocks, their IDs, the list, the headers) is the page's.
/// Without that, the page falls back to one PUT, which the second upload shows.
/// </remarks>
[Collection(BrowserCollection.Name)]
public sealed class LargeUploadTests(Browser browser, Azurite azurite) : IDisposable
{
    private const int BlockBytes = 8 * 1024 * 1024;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mediagate-large-");

    public void Dispose() => _folder.Delete(recursive: true);

    [SkippableFact]
    public async Task A_large_video_goes_up_in_blocks_survives_a_dropped_block_and_arrives_whole()
    {
        await using var context = await browser.NewContextAsync();
        StorageAccount.Empty(azurite.ConnectionString);
        await using var teacher = await Served.StartAsync(azurite.ConnectionString, "--dev-user", "teacher@de-wilg", "--no-pipeline");
        var film = await FileAsync("musical.mp4", 8 * BlockBytes + 12_345, seed: 1);
        var local = await FileAsync("lokaal.mp4", 8 * BlockBytes + 7, seed: 2);
        var seen = new ConcurrentQueue<string>();
        var dropped = 0;
        var uploads = new BlobContainerClient(azurite.ConnectionString, "uploads");
        await context.RouteAsync(uploads.Uri.AbsoluteUri + "/**", async route =>
        {
            var request = route.Request;
            var query = HttpUtility.ParseQueryString(new Uri(request.Url).Query);
            var name = Uri.UnescapeDataString(new Uri(request.Url).AbsolutePath).Split("/uploads/", 2)[1];
            if (request.Method != "PUT")
            {
                await route.ContinueAsync();
                return;
            }

            seen.Enqueue($"{Path.GetFileName(name)} {query["comp"] ?? "blob"} {query["blockid"]}");
            if (query["comp"] is not ("block" or "blocklist") || !name.EndsWith("musical.mp4", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
                return;
            }

            if (query["comp"] == "block" && Interlocked.Increment(ref dropped) == 2)
            {
                await route.AbortAsync("connectionreset"); // the second block's first try: the network drops it
                return;
            }

            var response = await route.FetchAsync(new() { Url = Widened(name, query) });
            await route.FulfillAsync(new() { Response = response });
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(teacher.Address, "app/de-wilg/upload").ToString());
        await page.GetByLabel("Map (bijvoorbeeld sportdag)").FillAsync("musical");
        await page.Locator("#files").SetInputFilesAsync(new[] { film, local });
        await Assertions.Expect(page.Locator("#queue li.done")).ToHaveCountAsync(2, new() { Timeout = 120_000 });

        var sent = seen.ToArray();
        var blocks = sent.Where(s => s.StartsWith("musical.mp4 block ", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, blocks.Count); // nine blocks, one of them twice
        Assert.Equal(9, blocks.Distinct().Count());
        Assert.Equal(["musical.mp4 blocklist "], sent.Where(s => s.StartsWith("musical.mp4 blocklist", StringComparison.Ordinal)));
        Assert.DoesNotContain("musical.mp4 blob ", sent);
        Assert.Equal(["lokaal.mp4 block " + BlockId(0), "lokaal.mp4 blob "], sent.Where(s => s.StartsWith("lokaal.mp4", StringComparison.Ordinal)));
        foreach (var (path, file) in new[] { ("de-wilg/musical/musical.mp4", film), ("de-wilg/musical/lokaal.mp4", local) })
        {
            var blob = uploads.GetBlobClient(path);
            Assert.Equal(await File.ReadAllBytesAsync(file), (await blob.DownloadContentAsync()).Value.Content.ToArray());
            var properties = (await blob.GetPropertiesAsync()).Value;
            Assert.Equal("video/mp4", properties.ContentType);
            Assert.Equal("dev-teacher-de-wilg", properties.Metadata["uploader"]);
        }
    }

    private static string BlockId(int i) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("block-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The same request with a create-and-write signature for the same blob (what Azure's create permission allows).</summary>
    private string Widened(string name, System.Collections.Specialized.NameValueCollection query)
    {
        var blob = new BlobClient(azurite.ConnectionString, "uploads", name);
        var signed = blob.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(10));
        var extra = query["comp"] == "block" ? $"&comp=block&blockid={Uri.EscapeDataString(query["blockid"]!)}" : "&comp=blocklist";
        return signed.AbsoluteUri + extra;
    }

    private async Task<string> FileAsync(string name, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_folder.FullName, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
