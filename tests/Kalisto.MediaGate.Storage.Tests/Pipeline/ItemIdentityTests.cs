using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Storage.Tests.Lifecycle;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// "An item is one upload" (SPEC §8): two uploads under one name are two items, each with its own row,
/// decision trail, index entries and copies, and no step touches the other's copies: not the screening,
/// not a re-screen after a withdrawal or a late consent, not a redelivery after a crash.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ItemIdentityTests(Azurite azurite)
{
    private const string School = "de-wilg";
    private const string Name = "de-wilg/groep8/IMG_0001.jpg";

    /// <summary>Two cameras' files under one name, in every order of outcomes.</summary>
    public static TheoryData<string, Outcome, string, Outcome> Orders => new()
    {
        { "xmp-dc-subject.jpg", Outcome.Approved, "untagged.jpg", Outcome.Quarantined }, // LL-1001, then nothing
        { "untagged.jpg", Outcome.Quarantined, "xmp-dc-subject.jpg", Outcome.Approved },
        { "xmp-dc-subject.jpg", Outcome.Approved, "iptc-keywords.jpg", Outcome.Approved }, // LL-1001, then LL-1002
        { "untagged.jpg", Outcome.Quarantined, "xmp-mwg-regions.jpg", Outcome.Quarantined }, // nothing, then Emma's face and an unknown one
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Two_uploads_under_one_name_are_two_items_through_screening_withdrawal_and_late_consent(
        string firstFixture, Outcome firstOutcome, string secondFixture, Outcome secondOutcome)
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await EndState.FinishAsync(services, storage);
        var screening = services.GetRequiredService<UploadScreening>();
        var catalog = services.GetRequiredService<ItemCatalog>();

        // Each screened, and its faces looked for by the imaging worker (an approval waits for them).
        await storage.Uploads.UploadFixtureAsync(Name, firstFixture);
        var first = await Pipelines.ScreenAsync(services, storage, Name);
        await storage.Uploads.UploadFixtureAsync(Name, secondFixture); // a new version of the blob: a new item
        var second = await Pipelines.ScreenAsync(services, storage, Name);

        Assert.Equal((firstOutcome, secondOutcome), (first!.Outcome, second!.Outcome));
        Assert.NotEqual(first.ItemId, second.ItemId);
        Assert.NotEqual(first.SourceETag, second.SourceETag);
        var items = await catalog.ListAsync(School, CancellationToken.None);
        Assert.Equal(new[] { first.ItemId, second.ItemId }.Order(StringComparer.Ordinal), items.Select(i => i.ItemId).Order(StringComparer.Ordinal));
        var fixtures = new Dictionary<string, string> { [first.ItemId] = firstFixture, [second.ItemId] = secondFixture };
        foreach (var item in items)
        {
            var trail = await catalog.TrailAsync(School, item.ItemId, CancellationToken.None);
            var decision = Assert.Single(trail);
            // An approval is decided once its faces are known; a quarantine by the tags alone, on upload.
            var trigger = item.Outcome == Outcome.Approved ? FaceScanning.Trigger : UploadScreening.Trigger;
            Assert.Equal((item.ItemId, trigger, item.SourceETag, item.Outcome), (decision.ItemKey, decision.Trigger, decision.SourceETag, decision.Decision.Outcome));
        }

        await AssertCopiesAsync(services, storage, fixtures, "after screening");
        await AssertReviewListAsync(services, "after screening");
        await EndState.FinishAsync(services, storage);
        await EndState.AssertAsFreshDecisionAsync(services, storage, "after screening");

        // Withdrawal: the LL-1001 photo leaves approved; the other upload of the name is not touched.
        var emma = items.Where(i => i.Subjects.Contains("LL-1001")).Select(i => i.ItemId).ToHashSet();
        var others = items.Where(i => !emma.Contains(i.ItemId)).ToList();
        var untouched = await SnapshotAsync(services, storage, others);
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        var changed = await ConsentLifecycleTests.DrainAsync(storage, services);

        Assert.Equal(emma.Count, changed);
        Assert.Equal(untouched, await SnapshotAsync(services, storage, others));
        items = await catalog.ListAsync(School, CancellationToken.None);
        Assert.All(items.Where(i => emma.Contains(i.ItemId)), i => Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1001"), i.Reasons));
        Assert.DoesNotContain(await EndState.CopiesAsync(storage.Approved, string.Empty, School), c => emma.Contains(c.Item));
        await AssertCopiesAsync(services, storage, fixtures, "after the withdrawal");
        await AssertReviewListAsync(services, "after the withdrawal");
        await EndState.AssertAsFreshDecisionAsync(services, storage, "after the withdrawal");

        // A new signed form: the LL-1001 photo is published again, and still nothing of the other upload moves.
        await services.GetRequiredService<ConsentChanges>().ImportAsync(
            [Records.Valid(School, "LL-1001", "Emma de Vries") with { Evidence = "form-2026-new" }], "privacy officer", CancellationToken.None);
        changed = await ConsentLifecycleTests.DrainAsync(storage, services);

        Assert.Equal(emma.Count, changed);
        Assert.Equal(untouched, await SnapshotAsync(services, storage, others));
        items = await catalog.ListAsync(School, CancellationToken.None);
        Assert.Equal(
            new[] { (first.ItemId, firstOutcome), (second.ItemId, secondOutcome) }.Order(),
            items.Select(i => (i.ItemId, i.Outcome)).Order());
        foreach (var item in items)
        {
            Assert.Equal(emma.Contains(item.ItemId) ? 3 : 1, (await catalog.TrailAsync(School, item.ItemId, CancellationToken.None)).Count);
        }

        await AssertCopiesAsync(services, storage, fixtures, "after the new consent");
        await AssertReviewListAsync(services, "after the new consent");
        await EndState.AssertAsFreshDecisionAsync(services, storage, "after the new consent");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_redelivery_after_a_crash_under_a_suffixed_name_leaves_nothing_of_a_withdrawn_upload_published(bool rescreenFirst)
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await EndState.FinishAsync(services, storage);
        var screening = services.GetRequiredService<UploadScreening>();
        await storage.Uploads.UploadFixtureAsync(Name, "iptc-keywords.jpg"); // LL-1002: approved, and holds the name
        var noah = await Pipelines.ScreenAsync(services, storage, Name);
        Assert.Equal(Outcome.Approved, noah!.Outcome);

        // Emma's photo under the same name waits for its faces; their scan publishes its copy under IMG_0001-<hash>.jpg,
        // then the process dies before the decision is recorded (the message is delivered again later).
        await storage.Uploads.UploadFixtureAsync(Name, "xmp-dc-subject.jpg");
        Assert.True((await screening.ScreenAsync(Name, CancellationToken.None))!.AwaitsFaces);
        var publishing = services.GetRequiredService<RedactionPublishing>();
        fault.FailWhen(MoveSteps.Rule(MoveSteps.BeforeDecision, storage));
        var (_, crashed) = await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 1, CancellationToken.None);
        fault.FailWhen(null);
        Assert.Equal(1, crashed);
        var emma = (await services.GetRequiredService<ItemCatalog>().ListAsync(School, CancellationToken.None)).Single(i => i.ItemId != noah.ItemId);
        Assert.True(emma.Screening);
        var suffixed = (await EndState.CopiesAsync(storage.Approved, string.Empty, School)).Where(c => c.Item == emma.ItemId).Select(c => c.Name).ToList();
        Assert.Matches(@"^de-wilg/groep8/IMG_0001-[0-9a-f]{8}\.jpg$", Assert.Single(suffixed));

        await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        if (rescreenFirst)
        {
            await ConsentLifecycleTests.DrainAsync(storage, services);
            await AssertNothingPublishedAsync(storage, emma.ItemId, emma.SourceETag, "after the re-screen");
        }

        await Pipelines.DrainImagingAsync(services, storage); // the host delivers the face scan again
        var redelivered = (await services.GetRequiredService<ItemCatalog>().GetAsync(School, emma.ItemId, CancellationToken.None))?.State;

        Assert.Equal(emma.ItemId, redelivered!.ItemId);
        Assert.Equal(Outcome.Quarantined, redelivered.Outcome);
        Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1001"), redelivered.Reasons);
        await AssertNothingPublishedAsync(storage, emma.ItemId, emma.SourceETag, "after the redelivery");
        await EndState.FinishAsync(services, storage, owed: true);
        await AssertNothingPublishedAsync(storage, emma.ItemId, emma.SourceETag, "at the end");
        var approved = await EndState.CopiesAsync(storage.Approved, string.Empty, School);
        Assert.Equal([(Name, noah.ItemId)], approved); // Noah's photo keeps its name and its copy
        await EndState.AssertAsFreshDecisionAsync(services, storage, rescreenFirst ? "re-screen, then redelivery" : "redelivery, then re-screen");
    }

    [Fact]
    public async Task An_upload_replaced_after_its_screening_crashed_does_not_stop_the_withdrawal_of_its_subject()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await EndState.FinishAsync(services, storage);
        var screening = services.GetRequiredService<UploadScreening>();
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        var published = await Pipelines.ScreenAsync(services, storage, "de-wilg/sportdag/emma.jpg");
        Assert.Equal(Outcome.Approved, published!.Outcome);

        // Another photo of Emma: indexed under LL-1001, then the process dies before its first copy.
        await storage.Uploads.UploadFixtureAsync(Name, "xmp-dc-subject.jpg");
        fault.FailWhen(MoveSteps.Rule(MoveSteps.BeforeCopy, storage));
        await Assert.ThrowsAnyAsync<Exception>(() => screening.ScreenAsync(Name, CancellationToken.None));
        fault.FailWhen(null);

        // Before the redelivery the camera uploads another file under the name: the first version is gone.
        await storage.Uploads.UploadFixtureAsync(Name, "untagged.jpg");
        await screening.ScreenAsync(Name, CancellationToken.None);

        await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        var rescreening = services.GetRequiredService<ItemRescreening>();
        var outbox = services.GetRequiredService<RescreenOutbox>();
        var failures = new List<string>();
        var (_, failed) = await QueueDrain.RunAsync(
            storage.RescreenQueue,
            async (m, ct) =>
            {
                await outbox.HandleAsync(RescreenRequest.Parse(m), rescreening.RescreenAsync, ct);
                return QueueDrain.Handling.Handled;
            },
            1,
            CancellationToken.None,
            (m, e) => failures.Add($"{RescreenRequest.Parse(m).SubjectId}: {e.GetType().Name}: {e.Message}"));

        await AssertNothingPublishedAsync(storage, published.ItemId, published.SourceETag, $"after the withdrawal (re-screen failures: {string.Join("; ", failures)})");
        Assert.True(failed == 0, $"the re-screen failed: {string.Join("; ", failures)}");
        Assert.Empty(await outbox.PendingAsync(TimeSpan.Zero, CancellationToken.None));
    }

    /// <summary>No blob in approved is a copy of the upload, whatever its name.</summary>
    private static async Task AssertNothingPublishedAsync(MediaStorage storage, string itemId, string sourceETag, string when)
    {
        await foreach (var blob in storage.Approved.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
        {
            Assert.False(blob.Metadata.TryGetValue(BlobPlacement.ItemIdKey, out var id) && id == itemId, $"{when}: {blob.Name} is a copy of the withdrawn upload");
            Assert.False(blob.Metadata.TryGetValue(BlobPlacement.SourceETagKey, out var tag) && tag == sourceETag, $"{when}: {blob.Name} was made from the withdrawn upload");
        }
    }

    /// <summary>
    /// Each item's copies carry its own ID and upload version: exactly one in quarantine, holding its own
    /// original bytes, and one in approved when it is published; nothing else is in either container.
    /// </summary>
    private static async Task AssertCopiesAsync(ServiceProvider services, MediaStorage storage, Dictionary<string, string> fixtures, string when)
    {
        var items = await services.GetRequiredService<ItemCatalog>().ListAsync(School, CancellationToken.None);
        Assert.Equal(fixtures.Keys.Order(StringComparer.Ordinal), items.Select(i => i.ItemId).Order(StringComparer.Ordinal));
        var approved = await EndState.CopiesAsync(storage.Approved, string.Empty, School);
        var quarantined = await EndState.CopiesAsync(storage.Quarantine, string.Empty, School);
        Assert.All(approved.Concat(quarantined), c => Assert.Contains(c.Item, fixtures.Keys));
        foreach (var item in items)
        {
            var original = Assert.Single(quarantined, c => c.Item == item.ItemId);
            var (upload, kept) = (await File.ReadAllBytesAsync(TestData.File(fixtures[item.ItemId])), await storage.Quarantine.ReadAsync(original.Name));
            Assert.True(
                upload.AsSpan().SequenceEqual(kept),
                $"{when}: {original.Name}, the original of {item.ItemId[..8]}, is not its own upload's bytes");
            var published = approved.Where(c => c.Item == item.ItemId).Select(c => c.Name).ToList();
            Assert.True(published.Count == (item.Outcome == Outcome.Approved ? 1 : 0), $"{when}: {item.StateName} {item.ItemId[..8]} has [{string.Join(", ", published)}] in approved");
            var location = item.Outcome == Outcome.Approved ? published.Single() : original.Name;
            Assert.True(location == item.Location, $"{when}: {item.ItemId[..8]} is at {item.Location}, its copy at {location}");
            foreach (var name in published)
            {
                var properties = (await storage.Approved.GetBlobClient(name).GetPropertiesAsync()).Value;
                Assert.Equal(item.SourceETag, properties.Metadata[BlobPlacement.SourceETagKey]);
            }
        }

        var names = approved.Select(c => c.Name).ToList();
        Assert.True(names.Distinct().Count() == names.Count, $"{when}: approved names repeat");
    }

    /// <summary>Every quarantined item is on the school's review list, under its own key and location.</summary>
    private static async Task AssertReviewListAsync(ServiceProvider services, string when)
    {
        var items = await services.GetRequiredService<ItemCatalog>().ListAsync(School, CancellationToken.None);
        // What the API lists as the review list: the items whose state is quarantined, by key and location.
        var listed = items.Where(i => i.StateName == "quarantined").ToList();
        Assert.True(
            items.Where(i => i.Outcome == Outcome.Quarantined).Select(i => (i.ItemId, i.Location)).Order().SequenceEqual(listed.Select(r => (r.Key, r.Location)).Order()),
            $"{when}: the review list is [{string.Join(", ", listed.Select(r => r.Key[..8]))}]");
    }

    /// <summary>What a re-screen of another subject must leave as it was: the rows, the trails and every copy.</summary>
    private static async Task<string> SnapshotAsync(ServiceProvider services, MediaStorage storage, IReadOnlyList<ItemState> items)
    {
        var catalog = services.GetRequiredService<ItemCatalog>();
        var lines = new List<string>();
        foreach (var item in items)
        {
            var read = await catalog.GetAsync(School, item.ItemId, CancellationToken.None);
            var trail = await catalog.TrailAsync(School, item.ItemId, CancellationToken.None);
            lines.Add($"{item.ItemId} row {read!.ETag} {read.State.StateName} trail {trail.Count}");
            foreach (var container in new[] { storage.Approved, storage.Quarantine })
            {
                await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = School + "/", Traits = BlobTraits.Metadata }))
                {
                    if (BlobPlacement.IsOwn(blob, item.ItemId))
                    {
                        lines.Add($"{item.ItemId} {container.Name}/{blob.Name} {blob.Properties.ETag}");
                    }
                }
            }
        }

        return string.Join('\n', lines);
    }
}
