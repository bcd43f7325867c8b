using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// The end state SPEC §7 and §8 promise once everything queued has run: every item is where a fresh
/// decision over the final register puts it, with its copies in exactly the right place, and nothing
/// in <c>approved</c> or <c>quarantine</c> belongs to no item.
/// </summary>
internal static class EndState
{
    /// <summary>Runs everything queued (re-screens, face scans and redactions) until nothing is left, as the queue functions would.</summary>
    /// <param name="services">The pipeline.</param>
    /// <param name="storage">Its storage.</param>
    /// <param name="owed">Also queue again the re-screens still owed in the consent outbox (as the sweep does), until none is left.</param>
    public static async Task FinishAsync(ServiceProvider services, MediaStorage storage, bool owed = false)
    {
        var rescreening = services.GetRequiredService<ItemRescreening>();
        var outbox = services.GetRequiredService<RescreenOutbox>();
        var publishing = services.GetRequiredService<RedactionPublishing>();
        for (var round = 0; round < 10; round++)
        {
            var (rescreens, failedRescreens) = await QueueDrain.RunMessagesAsync(storage.RescreenQueue, Rescreen(services), 4, CancellationToken.None);
            var (redactions, failedRedactions) = await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 2, CancellationToken.None);
            Assert.Equal((0, 0), (failedRescreens, failedRedactions));
            if (rescreens + redactions == 0 && (!owed || await outbox.RequeueAsync(TimeSpan.Zero, CancellationToken.None) == 0))
            {
                return;
            }
        }

        Assert.Fail("The queues did not run dry.");
    }

    /// <summary>
    /// What RescreenItems does with one message: through the outbox, and on its first delivery passing
    /// over items that stand as decided with their copies confirmed.
    /// </summary>
    public static Func<Azure.Storage.Queues.Models.QueueMessage, CancellationToken, Task<QueueDrain.Handling>> Rescreen(ServiceProvider services)
    {
        var rescreening = services.GetRequiredService<ItemRescreening>();
        var outbox = services.GetRequiredService<RescreenOutbox>();
        return async (message, ct) =>
        {
            await outbox.HandleAsync(RescreenRequest.Parse(message.MessageText) with { FirstDelivery = message.DequeueCount == 1 }, rescreening.RescreenAsync, ct);
            return QueueDrain.Handling.Handled;
        };
    }

    /// <summary>
    /// Every item of <paramref name="school"/> is where a fresh decision over the final register puts it:
    /// approved, exactly one stripped copy in <c>approved</c>; redacted, one redacted copy; quarantined,
    /// nothing published; in every case its original kept in <c>quarantine</c> (exactly one own copy). And
    /// every copy in <c>approved</c> and <c>quarantine</c> is one of these.
    /// </summary>
    public static async Task AssertAsFreshDecisionAsync(ServiceProvider services, MediaStorage storage, string when, string school = "de-wilg")
    {
        var records = await services.GetRequiredService<TableConsentRegister>().GetSchoolAsync(school, CancellationToken.None);
        var rules = services.GetRequiredService<DecisionRules>();
        var redactor = services.GetRequiredService<IImageRedactor>();
        var detector = services.GetRequiredService<IFaceDetector>();
        var moves = services.GetRequiredService<ItemMoves>();
        var items = await services.GetRequiredService<ItemCatalog>().ListAsync(school, CancellationToken.None);
        Assert.NotEmpty(items);
        Assert.Empty(await storage.Uploads.NamesAsync());
        var owned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            // With the faces the imaging worker recorded (a fact of the upload); an image still waiting for them is not done.
            var fresh = rules.Decide(item.Tags, records, Pipelines.Now, redactor.CanRedact(item.Tags.Format), item.Faces, detector.CanDetect(item.Tags.Format));
            var at = $"{item.Location} ({item.ItemId[..8]}, {when})";
            var copies = await moves.CopiesAsync(item, CancellationToken.None);
            if (copies is { Approved.Count: 0, Quarantine.Count: 0 })
            {
                // Replaced before its first copy was made: nothing is left, so it can only ever be quarantined.
                Assert.True(item.Outcome == Outcome.Quarantined && item.Reasons.Any(r => r.Code == ReasonCode.Unreadable), $"{at}: no copy left, yet {item.StateName}");
                continue;
            }

            Assert.False(item.Screening, $"{at}: still screening");
            Assert.False(fresh.AwaitsFaces, $"{at}: its faces were never looked for");
            Assert.True(fresh.Outcome == item.Outcome, $"{at}: {item.StateName}, a fresh decision says {fresh.Outcome}");
            Assert.True(fresh.Channels.SequenceEqual(item.Channels), $"{at}: channels differ");
            Assert.False(item.RedactionPending, $"{at}: a redaction is still pending");
            var published = copies.Approved.Select(BlobPlacement.KindOf).ToList();
            switch (fresh.Outcome)
            {
                case Outcome.Approved:
                    Assert.True(published.SequenceEqual([BlobPlacement.StrippedCopy]), $"{at}: approved holds [{string.Join(',', published)}]");
                    Assert.True(copies.Quarantine.Count == 1, $"{at}: the original is not kept in quarantine");
                    break;
                case Outcome.Redacted:
                    Assert.True(published.SequenceEqual([BlobPlacement.RedactedCopy]), $"{at}: approved holds [{string.Join(',', published)}]");
                    Assert.True(copies.Quarantine.Count == 1, $"{at}: the original is not in quarantine");
                    break;
                default:
                    Assert.True(published.Count == 0, $"{at}: still published ({string.Join(',', published)})");
                    Assert.True(copies.Quarantine.Count == 1, $"{at}: {copies.Quarantine.Count} copies in quarantine");
                    break;
            }

            Assert.All(copies.Approved.Concat(copies.Quarantine), c => Assert.Equal(item.SourceETag, c.Metadata[BlobPlacement.SourceETagKey]));
            owned.UnionWith(copies.Approved.Select(c => "approved:" + c.Name));
            owned.UnionWith(copies.Quarantine.Select(c => "quarantine:" + c.Name));
        }

        var stray = (await CopiesAsync(storage.Approved, "approved:", school)).Concat(await CopiesAsync(storage.Quarantine, "quarantine:", school))
            .Where(c => !owned.Contains(c.Name))
            .Select(c => $"{c.Name} ({c.Item})")
            .ToList();
        Assert.True(stray.Count == 0, $"{when}: copies of no item, or found by no item's listing: {string.Join(", ", stray)}");
    }

    /// <summary>Every blob of the school in a container, with the item its metadata names.</summary>
    public static async Task<List<(string Name, string Item)>> CopiesAsync(BlobContainerClient container, string label, string school)
    {
        var copies = new List<(string, string)>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = school + "/", Traits = BlobTraits.Metadata }))
        {
            copies.Add((label + blob.Name, blob.Metadata.TryGetValue(BlobPlacement.ItemIdKey, out var id) ? id : "no item"));
        }

        return copies;
    }
}
