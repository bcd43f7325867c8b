using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// The start of a school year on a storage account: 20 classes of 25 pupils, 10 class photos each (200
/// photos, each tagged with its class), all approved; then one import changes 250 records (no more
/// social media) and withdraws 10. Measures the time from the import until every item is where a fresh
/// decision puts it, processing the re-screens as <c>mediagate rescreen</c> does, and counts failed
/// messages. Also counts the storage requests per item of the upload pipeline on its happy path.
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- consent-storm CONN</c>.
/// </summary>
internal static class ConsentStorm
{
    private const string School = "de-wilg";
    private const int Classes = 20;
    private const int PupilsPerClass = 25;
    private const int PhotosPerClass = 10;

    public static async Task<int> RunAsync(string connection)
    {
        for (var round = 1; round <= 3; round++)
        {
            await RoundAsync(connection, round);
        }

        return 0;
    }

    private static async Task RoundAsync(string connection, int round)
    {
        var counter = new RequestCounter();
        await using var provider = Services(connection, counter);
        var storage = provider.GetRequiredService<MediaStorage>();
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var changes = provider.GetRequiredService<ConsentChanges>();
        var pupils = Enumerable.Range(0, Classes * PupilsPerClass).Select(i => $"LL-{10000 + i}").ToList();
        var channels = new[] { "newsletter", "parentportal", "schoolguide", "socialmedia", "website" };
        ConsentRecord Record(string id, IReadOnlyList<string> granted, DateOnly? withdrawn = null) => new()
        {
            School = School,
            SubjectId = id,
            Kind = SubjectKind.Pupil,
            DisplayName = $"Leerling {id}",
            Channels = granted,
            ValidFrom = new DateOnly(2026, 8, 1),
            ValidUntil = new DateOnly(2027, 7, 31),
            WithdrawnOn = withdrawn,
            Evidence = $"form-{id}",
        };
        await changes.ImportAsync([.. pupils.Select(p => Record(p, channels))], "benchmark", CancellationToken.None);
        await DrainAsync(provider, storage); // the import's own re-screens (no items yet)

        var photo = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "untagged.jpg"));
        var uploads = Enumerable.Range(0, Classes * PhotosPerClass).Select(i =>
        {
            var klas = i / PhotosPerClass;
            return (Name: $"{School}/groep-{klas:D2}/klassenfoto-{i % PhotosPerClass}.jpg",
                Content: Tagged(photo, pupils.Skip(klas * PupilsPerClass).Take(PupilsPerClass)));
        }).ToList();
        await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (u, ct) =>
            await storage.Uploads.GetBlobClient(u.Name).UploadAsync(new BinaryData(u.Content), new BlobUploadOptions(), ct));

        var screening = provider.GetRequiredService<UploadScreening>();
        counter.Reset();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (u, ct) => await screening.ScreenAsync(u.Name, ct));
        var screened = watch.Elapsed;
        var perItem = counter.Snapshot(uploads.Count);

        // The imaging worker looks for the faces of each photo its tags would publish, and decides it with them.
        var publishing = provider.GetRequiredService<RedactionPublishing>();
        watch.Restart();
        var (scans, failedScans) = await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 2, CancellationToken.None);
        var detected = watch.Elapsed;

        // One import: 250 pupils lose social media, 10 withdraw.
        var today = new DateOnly(2026, 12, 1);
        var import = pupils.Take(250).Select(p => Record(p, [.. channels.Where(c => c != "socialmedia")]))
            .Concat(pupils.Skip(250).Take(10).Select(p => Record(p, channels, today.AddDays(-1))))
            .ToList();
        watch.Restart();
        await changes.ImportAsync(import, "benchmark", CancellationToken.None);
        var (handled, failed) = await DrainAsync(provider, storage);
        var settled = watch.Elapsed;
        var wrong = await WrongItemsAsync(provider);
        Console.WriteLine(
            $"round {round}: screened {uploads.Count} photos in {screened.TotalSeconds:F2} s ({perItem}); " +
            $"faces of {scans} in {detected.TotalSeconds:F2} s ({failedScans} failed); " +
            $"import of {import.Count} changes + re-screens: {settled.TotalSeconds:F2} s, {handled} message(s), {failed} failed, {wrong} item(s) not as a fresh decision");
        foreach (var container in new[] { storage.Uploads, storage.Approved, storage.Quarantine })
        {
            await container.DeleteIfExistsAsync();
        }
    }

    private static async Task<(int Handled, int Failed)> DrainAsync(ServiceProvider provider, MediaStorage storage)
    {
        var outbox = provider.GetRequiredService<RescreenOutbox>();
        var rescreening = provider.GetRequiredService<ItemRescreening>();
        int handled = 0, failed = 0;
        while (true)
        {
            // As `mediagate rescreen` does: four messages at once, a first delivery passing over confirmed items.
            var (h, f) = await QueueDrain.RunMessagesAsync(storage.RescreenQueue, async (m, ct) =>
            {
                await outbox.HandleAsync(RescreenRequest.Parse(m.MessageText) with { FirstDelivery = m.DequeueCount == 1 }, rescreening.RescreenAsync, ct);
                return QueueDrain.Handling.Handled;
            }, 4, CancellationToken.None);
            handled += h;
            failed += f;
            if (h + f == 0)
            {
                return (handled, failed);
            }
        }
    }

    private static async Task<int> WrongItemsAsync(ServiceProvider provider)
    {
        var records = await provider.GetRequiredService<TableConsentRegister>().GetSchoolAsync(School, CancellationToken.None);
        var rules = provider.GetRequiredService<DecisionRules>();
        var redactor = provider.GetRequiredService<IImageRedactor>();
        var faces = provider.GetRequiredService<IFaceDetector>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
        var items = await provider.GetRequiredService<ItemCatalog>().ListAsync(School, CancellationToken.None);
        return items.Count(i => rules.Decide(i.Tags, records, now, redactor.CanRedact(i.Tags.Format), i.Faces, faces.CanDetect(i.Tags.Format)) is var d
            && (d.AwaitsFaces != i.AwaitsFaces || d.Outcome != i.Outcome || !d.Channels.SequenceEqual(i.Channels)));
    }

    /// <summary>A JPEG with an XMP APP1 segment naming <paramref name="subjects"/> in <c>dc:subject</c>.</summary>
    private static byte[] Tagged(byte[] jpeg, IEnumerable<string> subjects)
    {
        var xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
            "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag>" +
            string.Concat(subjects.Select(s => $"<rdf:li>{s}</rdf:li>")) +
            "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>";
        var payload = Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0").Concat(Encoding.UTF8.GetBytes(xmp)).ToArray();
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }

    private static ServiceProvider Services(string connection, RequestCounter counter)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var names = new StorageOptions
        {
            UploadsContainer = $"uploads-{id}",
            ApprovedContainer = $"approved-{id}",
            QuarantineContainer = $"quarantine-{id}",
            ConsentTable = $"consent{id}",
            ItemsTable = $"items{id}",
            RunsTable = $"runs{id}",
            RedactQueue = $"redact-{id}",
            RescreenQueue = $"rescreen-{id}",
        };
        var (blobs, tables, queues) = (new BlobClientOptions(), new TableClientOptions(), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        blobs.AddPolicy(counter, HttpPipelinePosition.PerCall);
        tables.AddPolicy(counter, HttpPipelinePosition.PerCall);
        queues.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MediaStorage"] = connection }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddSingleton(new MediaStorage(new BlobServiceClient(connection, blobs), new TableServiceClient(connection, tables), new QueueServiceClient(connection, queues), Options.Create(names)));
        services.AddMediaGateCore().AddMediaGateImaging().AddMediaGateStorage();
        return services.BuildServiceProvider();
    }

    /// <summary>Counts storage requests by kind (service and method), before the SDK's retries.</summary>
    private sealed class RequestCounter : HttpPipelinePolicy
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public void Reset() => _counts.Clear();

        public string Snapshot(int items)
        {
            var total = _counts.Values.Sum();
            var kinds = string.Join(", ", _counts.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {(double)k.Value / items:F1}"));
            return $"{(double)total / items:F1} requests per item: {kinds}";
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message.Request);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message.Request);
            return ProcessNextAsync(message, pipeline);
        }

        private void Count(Request request)
        {
            var service = request.Uri.Port switch { 10000 => "blob", 10001 => "queue", 10002 => "table", _ => request.Uri.Host };
            _counts.AddOrUpdate($"{service} {request.Method}", 1, (_, n) => n + 1);
        }
    }
}
