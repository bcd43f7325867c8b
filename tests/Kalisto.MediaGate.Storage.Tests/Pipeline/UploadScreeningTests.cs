using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

[Collection(AzuriteCollection.Name)]
public sealed class UploadScreeningTests(Azurite azurite)
{
    [Fact]
    public async Task Consented_photo_is_published_and_the_upload_removed()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/sportdag/emma.jpg", "xmp-dc-subject.jpg");

        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/sportdag/emma.jpg", CancellationToken.None);

        // Screening does not wait for the pixels: nothing is published until the imaging worker has looked for faces.
        Assert.NotNull(screened);
        Assert.True(screened.AwaitsFaces);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Empty(await storage.Uploads.NamesAsync()); // the original is kept in quarantine meanwhile
        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));
        var item = (await services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", screened.ItemId, CancellationToken.None))!.State;
        Assert.Equal(Outcome.Approved, item.Outcome);
        Assert.Equal((0, 0), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified)); // a flat test picture shows no face
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/sportdag/emma.jpg"], await storage.Quarantine.NamesAsync()); // the original, kept
        Assert.Equal("original", (await storage.Quarantine.GetBlobClient("de-wilg/sportdag/emma.jpg").GetPropertiesAsync()).Value.Metadata["mediagate_copy"]);
        Assert.Empty(await storage.Uploads.NamesAsync());
        var properties = (await storage.Approved.GetBlobClient("de-wilg/sportdag/emma.jpg").GetPropertiesAsync()).Value;
        Assert.Equal("newsletter;parentportal;schoolguide;socialmedia;website", properties.Metadata["mediagate_channels"]);
        Assert.Equal("image/jpeg", properties.ContentType);
        var published = await storage.Approved.ReadAsync("de-wilg/sportdag/emma.jpg");
        Assert.DoesNotContain("LL-1001", Encoding.ASCII.GetString(published), StringComparison.Ordinal);
        var tags = new TagReader().Read(new MemoryStream(published), "emma.jpg");
        Assert.Empty(tags.Keywords);
        Assert.Empty(tags.Problems);
        var catalog = services.GetRequiredService<ItemCatalog>();
        var trail = await catalog.TrailAsync("de-wilg", item.Key, CancellationToken.None);
        var decision = Assert.Single(trail);
        Assert.Equal(Outcome.Approved, decision.Decision.Outcome);
        Assert.Equal(1, decision.Decision.ConsentVersions["LL-1001"]);
        Assert.Equal([item.Key], await catalog.ItemsOfSubjectAsync("de-wilg", "LL-1001", CancellationToken.None));
    }

    [Fact]
    public async Task Untagged_photo_goes_to_quarantine_byte_for_byte_with_its_reason()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, "het-anker");
        await storage.Uploads.UploadFixtureAsync("het-anker/groep3/IMG_0001.jpg", "untagged.jpg");

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("het-anker/groep3/IMG_0001.jpg", CancellationToken.None);

        Assert.Equal(Outcome.Quarantined, item!.Outcome);
        Assert.Equal([new Reason(ReasonCode.Untagged)], item.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(await File.ReadAllBytesAsync(TestData.File("untagged.jpg")), await storage.Quarantine.ReadAsync("het-anker/groep3/IMG_0001.jpg"));
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Fact]
    public async Task The_tag_behind_a_reason_is_kept_for_the_school_but_never_in_the_audit_trail()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        const string Persons = "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\">"
            + "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Emma de Vries</rdf:li><rdf:li>Noah Baker</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage></rdf:Description>";
        await storage.Uploads.UploadAsync("de-wilg/typo.jpg", MediaBuilder.Jpeg(MediaBuilder.Xmp(Persons)));

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/typo.jpg", CancellationToken.None);

        var reason = Assert.Single(item!.Reasons);
        Assert.Equal(ReasonCode.UnresolvedPerson, reason.Code);
        var tag = Assert.Single(reason.Tags);
        Assert.Equal("Noah Baker", tag.Value);
        Assert.StartsWith("XMP Iptc4xmpExt:PersonInImage", tag.Tag, StringComparison.Ordinal);
        var catalog = services.GetRequiredService<ItemCatalog>();
        Assert.Equal(reason.Tags, Assert.Single((await catalog.GetAsync("de-wilg", item.ItemId, CancellationToken.None))!.State.Reasons).Tags);

        var decision = Assert.Single(await catalog.TrailAsync("de-wilg", item.ItemId, CancellationToken.None));
        Assert.Equal([new Reason(ReasonCode.UnresolvedPerson)], decision.Decision.Reasons);
        Assert.Empty(decision.Decision.Reasons[0].Tags);
        await foreach (var row in storage.Items.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey ge {"decision|"} and RowKey lt {"decision}"}")))
        {
            Assert.DoesNotContain("Noah", string.Join(" ", row.Select(p => p.Value)), StringComparison.Ordinal);
        }

        var audit = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await services.GetRequiredService<Kalisto.MediaGate.Storage.Lifecycle.AuditExport>().WriteAsync(audit, Pipelines.Now.AddDays(-1), Pipelines.Now.AddDays(1), null, CancellationToken.None));
        Assert.DoesNotContain("Noah", audit.ToString(), StringComparison.Ordinal);
        Assert.Contains("unresolved-person", audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_blob_delivered_twice_gives_one_outcome_one_copy_and_one_decision()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/a.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/b.jpg", "untagged.jpg");
        var screening = services.GetRequiredService<UploadScreening>();

        // Twice at the same time (both read before either deletes), then once more afterwards.
        await Task.WhenAll(
            screening.ScreenAsync("de-wilg/a.jpg", CancellationToken.None),
            screening.ScreenAsync("de-wilg/a.jpg", CancellationToken.None),
            screening.ScreenAsync("de-wilg/b.jpg", CancellationToken.None),
            screening.ScreenAsync("de-wilg/b.jpg", CancellationToken.None));
        Assert.Null(await screening.ScreenAsync("de-wilg/a.jpg", CancellationToken.None));
        Assert.Empty(await storage.Approved.NamesAsync()); // a.jpg waits for its faces
        await Pipelines.DrainImagingAsync(services, storage); // a scan asked for by each delivery that settled it

        Assert.Equal(["de-wilg/a.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/a.jpg", "de-wilg/b.jpg"], await storage.Quarantine.NamesAsync()); // every original is kept
        Assert.Empty(await storage.Uploads.NamesAsync());
        var decisions = await services.GetRequiredService<ItemCatalog>().DecisionsBetweenAsync(Pipelines.Now.AddDays(-1), Pipelines.Now.AddDays(1), CancellationToken.None);
        Assert.Equal(2, decisions.Count);
        Assert.Equal(2, (await services.GetRequiredService<ItemCatalog>().ListAsync("de-wilg", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_name_taken_by_different_content_gets_a_content_hash_suffix()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        var screening = services.GetRequiredService<UploadScreening>();
        await storage.Uploads.UploadFixtureAsync("de-wilg/IMG_0001.jpg", "untagged.jpg");
        await screening.ScreenAsync("de-wilg/IMG_0001.jpg", CancellationToken.None);

        // Another camera's IMG_0001.jpg, and then the first one once more.
        var other = (await File.ReadAllBytesAsync(TestData.File("untagged.jpg"))).Concat(Encoding.ASCII.GetBytes("different")).ToArray();
        await storage.Uploads.UploadAsync("de-wilg/IMG_0001.jpg", other);
        var second = await screening.ScreenAsync("de-wilg/IMG_0001.jpg", CancellationToken.None);

        var names = await storage.Quarantine.NamesAsync();
        Assert.Equal(2, names.Count);
        Assert.Contains("de-wilg/IMG_0001.jpg", names);
        var suffixed = Assert.Single(names, n => n != "de-wilg/IMG_0001.jpg");
        Assert.Matches("^de-wilg/IMG_0001-[0-9a-f]{8}\\.jpg$", suffixed);
        Assert.Equal(suffixed, second!.Location);
        Assert.Equal(other, await storage.Quarantine.ReadAsync(suffixed));
        Assert.Equal(await File.ReadAllBytesAsync(TestData.File("untagged.jpg")), await storage.Quarantine.ReadAsync("de-wilg/IMG_0001.jpg"));
    }

    [Fact]
    public async Task An_unreachable_table_service_approves_nothing_and_fails_so_it_is_retried()
    {
        var fault = new FaultInjection();
        var storage = await azurite.NewStorageAsync(fault);
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/a.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("de-wilg/b.jpg", "xmp-dc-subject.jpg");
        var screening = services.GetRequiredService<UploadScreening>();
        await Pipelines.ScreenAsync(services, storage, "de-wilg/a.jpg");

        fault.FailWhen(r => r.Uri.Port == storage.Consent.Uri.Port);
        await Assert.ThrowsAnyAsync<Exception>(() => screening.ScreenAsync("de-wilg/b.jpg", CancellationToken.None));

        Assert.Equal(["de-wilg/a.jpg"], await storage.Approved.NamesAsync());
        Assert.Equal(["de-wilg/b.jpg"], await storage.Uploads.NamesAsync());

        fault.FailWhen(null); // the service is back: the retry completes
        await screening.ScreenAsync("de-wilg/b.jpg", CancellationToken.None);
        Assert.Equal(["de-wilg/a.jpg"], await storage.Approved.NamesAsync()); // b.jpg waits for its faces
        await Pipelines.DrainImagingAsync(services, storage);
        Assert.Equal(["de-wilg/a.jpg", "de-wilg/b.jpg"], await storage.Approved.NamesAsync());
    }
}
