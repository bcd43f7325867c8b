using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// SPEC §8, "What leaves MediaGate is checked last", through the pipeline: a copy whose metadata still
/// names someone of the register is never written to <c>approved</c>, whichever step would publish it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LastCheckTests(Azurite azurite)
{
    /// <summary>
    /// A consented photo (LL-1001 in XMP) with a display name in an Adobe APP14 segment: the tag reader does
    /// not read APP14 and the stripper keeps it (it holds colour-transform flags), so only the last check sees it.
    /// </summary>
    private static async Task<byte[]> WithNameInApp14(string name)
    {
        var photo = await File.ReadAllBytesAsync(TestData.File("xmp-dc-subject.jpg"));
        byte[] payload = [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1, .. Encoding.UTF8.GetBytes(name)];
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xEE, (byte)(length >> 8), (byte)length, .. payload, .. photo.AsSpan(2)];
    }

    [Fact]
    public async Task A_screened_copy_that_still_names_a_pupil_is_refused_and_quarantined_as_unreadable()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadAsync("de-wilg/sportdag/emma.jpg", await WithNameInApp14("Noah Bakker"));
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/schoon.jpg", "xmp-dc-subject.jpg");
        var screening = services.GetRequiredService<UploadScreening>();

        // Both wait for their faces; the copy is made, and checked, when they are decided with them.
        Assert.True((await screening.ScreenAsync("de-wilg/sportdag/emma.jpg", CancellationToken.None))!.AwaitsFaces);
        Assert.True((await screening.ScreenAsync("de-wilg/sportdag/schoon.jpg", CancellationToken.None))!.AwaitsFaces);
        Assert.Equal(2, await Pipelines.DrainImagingAsync(services, storage));
        var items = await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None);
        var (refused, clean) = (items.Single(i => i.Location == "de-wilg/sportdag/emma.jpg"), items.Single(i => i.Location == "de-wilg/sportdag/schoon.jpg"));

        Assert.Equal(Outcome.Quarantined, refused.Outcome);
        Assert.Equal([new Reason(ReasonCode.Unreadable)], refused.Reasons);
        Assert.Equal(Outcome.Approved, clean.Outcome); // the same photo without the name goes out
        Assert.Equal(["de-wilg/sportdag/schoon.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/sportdag/emma.jpg", "de-wilg/sportdag/schoon.jpg"], await storage.Quarantine.NamesAsync());
        var trail = await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", refused.Key, CancellationToken.None);
        Assert.Equal(Outcome.Quarantined, Assert.Single(trail).Decision.Outcome);
    }

    [Fact]
    public async Task A_late_consent_does_not_publish_a_copy_that_still_names_someone()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, change: p => p.SubjectId == "LL-1001" ? p with { Channels = [], Evidence = null } : p);
        await storage.Uploads.UploadAsync("de-wilg/sportdag/emma.jpg", await WithNameInApp14("Sanne Jansen"));
        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/sportdag/emma.jpg", CancellationToken.None);
        Assert.Equal([new Reason(ReasonCode.NoConsent, "LL-1001")], item!.Reasons);

        var record = Records.Valid("de-wilg", "LL-1001", "Emma de Vries");
        await services.GetRequiredService<ConsentChanges>().PutAsync(record, null, "test", CancellationToken.None);
        await EndState.FinishAsync(services, storage);

        var state = (await services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", item.Key, CancellationToken.None))!.State;
        Assert.Equal(Outcome.Quarantined, state.Outcome);
        Assert.Equal([new Reason(ReasonCode.Unreadable)], state.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
    }

    [Fact]
    public async Task A_redacted_derivative_is_checked_before_it_is_published()
    {
        // ImageSharp's JPEG encoder writes a JFIF segment: a register name that the derivative's metadata holds.
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, change: p => p.SubjectId == "LL-1002" ? p with { WithdrawnOn = new DateOnly(2026, 11, 1) } : p);
        await services.GetRequiredService<ConsentChanges>().PutAsync(Records.Valid("de-wilg", "LL-1009", "JFIF"), null, "test", CancellationToken.None);
        await storage.Uploads.UploadAsync("de-wilg/sportdag/finish.jpg", RedactionPublishingTests.WithFaces(("LL-1001", 0.3), ("LL-1002", 0.7)));
        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/sportdag/finish.jpg", CancellationToken.None);
        Assert.True(item!.AwaitsFaces);

        await EndState.FinishAsync(services, storage);

        // Decided redacted with its faces, then refused when the finished derivative was checked.
        var trail = await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", item.Key, CancellationToken.None);
        // (A settle after the refusal, from a late re-screen, decides it anew and is refused again in the same way.)
        Assert.Equal(Enumerable.Repeat(new[] { Outcome.Redacted, Outcome.Quarantined }, Math.Max(1, trail.Count / 2)).SelectMany(o => o), trail.Select(d => d.Decision.Outcome));

        var state = (await services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", item.Key, CancellationToken.None))!.State;
        Assert.Equal(Outcome.Quarantined, state.Outcome);
        Assert.Contains(new Reason(ReasonCode.Unreadable), state.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
    }
}
