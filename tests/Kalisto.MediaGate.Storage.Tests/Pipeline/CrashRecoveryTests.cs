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

        fault.FailWhen(MoveSteps.Rule(MoveSteps.BeforeDecision, storage));
        await Assert.ThrowsAnyAsync<Exception>(() => screening.ScreenAsync("de-wilg/emma.jpg", CancellationToken.None));
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());

        fault.FailWhen(null);
        await Pipelines.ImportPeopleAsync(services, change: p => p with { WithdrawnOn = new DateOnly(2026, 11, 26) });
        var item = await screening.ScreenAsync("de-wilg/emma.jpg", CancellationToken.None);

        Assert.Equal(Outcome.Quarantined, item!.Outcome);
        Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1001"), item.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Quarantine.NamesAsync());
    }
}
