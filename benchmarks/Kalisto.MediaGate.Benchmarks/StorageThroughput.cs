using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// Items per second through the upload pipeline on a storage account, beside the bare minimum the
/// storage itself needs for the same blobs at the same concurrency: a server-side copy and a delete.
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- storage-throughput CONN PHOTOS [COUNT]</c>.
/// </summary>
internal static class StorageThroughput
{
    public static async Task<int> RunAsync(string connection, string photos, int count)
    {
        var files = Directory.EnumerateFiles(photos, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        var contents = files.Select(File.ReadAllBytes).ToList();
        var items = Enumerable.Range(0, count).Select(i => (Name: $"de-wilg/bench/{i:D4}-{Path.GetFileName(files[i % files.Count])}", Content: contents[i % files.Count])).ToList();
        Console.WriteLine($"{count} photos from {files.Count} files, {items.Sum(i => (long)i.Content.Length) / 1_000_000} MB, concurrency {StorageScreeningConcurrency}");

        for (var round = 1; round <= 3; round++)
        {
            var baseline = await BaselineAsync(connection, items);
            var pipeline = await PipelineAsync(connection, items);
            Console.WriteLine($"round {round}: copy+delete {count / baseline.TotalSeconds:F0} items/s ({baseline.TotalSeconds:F2} s); pipeline {count / pipeline.TotalSeconds:F0} items/s ({pipeline.TotalSeconds:F2} s); pipeline/minimum {pipeline.TotalSeconds / baseline.TotalSeconds:F2}");
        }

        return 0;
    }

    private const int StorageScreeningConcurrency = 16;

    private static async Task<TimeSpan> BaselineAsync(string connection, List<(string Name, byte[] Content)> items)
    {
        var service = new BlobServiceClient(connection);
        var id = Guid.NewGuid().ToString("N")[..8];
        var source = service.GetBlobContainerClient($"base-src-{id}");
        var target = service.GetBlobContainerClient($"base-dst-{id}");
        await source.CreateAsync();
        await target.CreateAsync();
        await UploadAsync(source, items);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = StorageScreeningConcurrency }, async (item, ct) =>
        {
            var from = source.GetBlobClient(item.Name);
            var copy = await target.GetBlobClient(item.Name).StartCopyFromUriAsync(from.Uri, cancellationToken: ct);
            if (!copy.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out var status) || status != "success")
            {
                await copy.WaitForCompletionAsync(ct);
            }

            await from.DeleteAsync(cancellationToken: ct);
        });
        watch.Stop();
        await source.DeleteAsync();
        await target.DeleteAsync();
        return watch.Elapsed;
    }

    private static async Task<TimeSpan> PipelineAsync(string connection, List<(string Name, byte[] Content)> items)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediaStorage"] = connection,
            ["MediaGate:Storage:UploadsContainer"] = $"uploads-{id}",
            ["MediaGate:Storage:ApprovedContainer"] = $"approved-{id}",
            ["MediaGate:Storage:QuarantineContainer"] = $"quarantine-{id}",
            ["MediaGate:Storage:ItemsTable"] = $"items{id}",
            ["MediaGate:Storage:RedactQueue"] = $"redact-{id}",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage();
        services.AddSingleton<IConsentRegister>(sp => new SnapshotConsentRegister(sp.GetRequiredService<TableConsentRegister>()));
        await using var provider = services.BuildServiceProvider();
        var storage = provider.GetRequiredService<MediaStorage>();
        await storage.EnsureCreatedAsync(CancellationToken.None);
        await UploadAsync(storage.Uploads, items);
        var screening = provider.GetRequiredService<UploadScreening>();

        // As `mediagate screen --storage`: list the uploads, then screen them at the same concurrency.
        var watch = Stopwatch.StartNew();
        var names = new List<string>();
        await foreach (var blob in storage.Uploads.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = StorageScreeningConcurrency }, async (name, ct) =>
            await screening.ScreenAsync(name, ct));
        watch.Stop();
        foreach (var container in new[] { storage.Uploads, storage.Approved, storage.Quarantine })
        {
            await container.DeleteIfExistsAsync();
        }

        return watch.Elapsed;
    }

    private static Task UploadAsync(BlobContainerClient container, List<(string Name, byte[] Content)> items) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, ct) =>
            await container.GetBlobClient(item.Name).UploadAsync(new BinaryData(item.Content), new BlobUploadOptions(), ct));
}
