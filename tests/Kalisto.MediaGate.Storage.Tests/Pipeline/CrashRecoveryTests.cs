using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// The process dies after each step of the move (SPEC §8); the blob is delivered again. Every item must
/// end in exactly one place, with one decision, and nothing may be lost.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashRecoveryTests(Azurite azurite)
{
    private static readonly (string Upload, string Fixture, Outcome Expected)[] Items =
    [
        ("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg", Outcome.Approved),
        ("de-wilg/sportdag/noah.jpg", "iptc-keywords.jpg", Outcome.Approved),
        ("de-wilg/sportdag/IMG_0001.jpg", "untagged.jpg", Outcome.Quarantined),
        ("de-wilg/groep8/klas.mov", "mov-udta-xmp.mov", Outcome.Approved),
        ("de-wilg/groep8/noah.png", "png-exif.png", Outcome.Approved),
        ("de-wilg/groep8/gezichten.jpg", "xmp-mwg-regions.jpg", Outcome.Quarantined),
    ];

    public static TheoryData<string> Steps => [.. MoveSteps.All];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_crash_at_any_step_then_redelivery_publishes_exactly_what_was_decided_and_keeps_every_original(string step)
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        foreach (var (upload, fixture, _) in Items)
        {
            await storage.Uploads.UploadFixtureAsync(upload, fixture);
        }

        var screening = services.GetRequiredService<UploadScreening>();
        fault.FailWhen(MoveSteps.Rule(step, storage));
        foreach (var (upload, _, _) in Items)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => screening.ScreenAsync(upload, CancellationToken.None));
        }

        Assert.True(fault.Injected >= Items.Length);
        Assert.Equal(Items.Length, (await storage.Uploads.NamesAsync()).Count); // nothing lost

        fault.FailWhen(null);
        foreach (var (upload, _, _) in Items)
        {
            await screening.ScreenAsync(upload, CancellationToken.None); // the host delivers it again
        }

        // Nothing an approval waits the face detection for is published before it ran (the video is decided by its tags).
        Assert.Equal(["de-wilg/groep8/klas.mov"], await storage.Approved.NamesAsync());
        await Pipelines.DrainImagingAsync(services, storage);

        await AssertEachInOnePlaceAsync(services, storage);
    }

    /// <summary>The face scans the approvals wait for go through the same steps on the imaging worker (SPEC §11).</summary>
    public static TheoryData<string> ScanSteps => [MoveSteps.BeforeIndexing, MoveSteps.BeforeCopy, MoveSteps.BeforeDecision];

    [Theory]
    [MemberData(nameof(ScanSteps))]
    public async Task A_crash_at_any_step_of_the_face_scan_then_redelivery_publishes_exactly_what_was_decided(string step)
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var screening = services.GetRequiredService<UploadScreening>();
        foreach (var (upload, fixture, _) in Items)
        {
            await storage.Uploads.UploadFixtureAsync(upload, fixture);
            await screening.ScreenAsync(upload, CancellationToken.None);
        }

        var publishing = services.GetRequiredService<RedactionPublishing>();
        fault.FailWhen(MoveSteps.Rule(step, storage));
        var (_, crashed) = await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 1, CancellationToken.None);

        // Each of the three images the tags would publish waited for its scan, and each scan died.
        Assert.Equal(3, crashed);
        var decisions = await services.GetRequiredService<ItemCatalog>().DecisionsBetweenAsync(Pipelines.Now.AddDays(-1), Pipelines.Now.AddDays(1), CancellationToken.None);
        Assert.DoesNotContain(decisions, d => d.Trigger == FaceScanning.Trigger);
        fault.FailWhen(null);
        Assert.Equal(3, await Pipelines.DrainImagingAsync(services, storage)); // the host delivers them again

        await AssertEachInOnePlaceAsync(services, storage);
    }

    /// <summary>Every item in exactly one place as expected, its original kept, one decision each.</summary>
    private static async Task AssertEachInOnePlaceAsync(ServiceProvider services, MediaStorage storage)
    {
        var approved = await storage.Approved.NamesAsync();
        var quarantined = await storage.Quarantine.NamesAsync();
        Assert.Empty(await storage.Uploads.NamesAsync());
        foreach (var (upload, _, expected) in Items)
        {
            Assert.Equal(expected == Outcome.Approved, approved.Contains(upload));
            Assert.Contains(upload, quarantined); // the original, whatever the outcome
        }

        Assert.Equal(Items.Length, quarantined.Count);
        Assert.Equal(Items.Count(i => i.Expected == Outcome.Approved), approved.Count);
        var catalog = services.GetRequiredService<ItemCatalog>();
        var decisions = await catalog.DecisionsBetweenAsync(Pipelines.Now.AddDays(-1), Pipelines.Now.AddDays(1), CancellationToken.None);
        Assert.Equal(Items.Length, decisions.Count);
        var items = await catalog.ListAsync("de-wilg", CancellationToken.None);
        Assert.Equal(Items.Select(i => (i.Upload, i.Expected)).Order(), items.Select(i => (i.Location, i.Outcome)).Order());
    }

    [Fact]
    public async Task A_register_change_between_deliveries_removes_the_copy_published_by_the_first()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        var screening = services.GetRequiredService<UploadScreening>();

        // The photo waits for its faces; the first delivery of the face scan publishes it, then dies before its decision.
        Assert.True((await screening.ScreenAsync("de-wilg/emma.jpg", CancellationToken.None))!.AwaitsFaces);
        var publishing = services.GetRequiredService<RedactionPublishing>();
        fault.FailWhen(MoveSteps.Rule(MoveSteps.BeforeDecision, storage));
        var (_, crashed) = await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => publishing.PublishAsync(RedactionPublishing.Parse(m), ct), 1, CancellationToken.None);
        Assert.Equal(1, crashed);
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());

        fault.FailWhen(null);
        await Pipelines.ImportPeopleAsync(services, change: p => p with { WithdrawnOn = new DateOnly(2026, 11, 26) });
        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage)); // the scan delivered again
        var item = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None));

        Assert.Equal(Outcome.Quarantined, item!.Outcome);
        Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1001"), item.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Quarantine.NamesAsync());
    }
}
