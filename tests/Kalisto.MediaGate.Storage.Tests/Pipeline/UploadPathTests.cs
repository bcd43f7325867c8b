using System.Text;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// SPEC §5 on Azurite, which keeps names as they are sent: an upload whose name is no school's path is
/// never read as another upload and never lost; it is kept apart in quarantine and listed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UploadPathTests(Azurite azurite)
{
    [Theory]
    [InlineData("de-wilg/../het-anker/x.jpg", "_unassigned/de-wilg/%2E%2E/het-anker/x.jpg")]
    [InlineData("de-wilg/./het-anker/x.jpg", "_unassigned/de-wilg/%2E/het-anker/x.jpg")]
    public async Task A_name_that_addresses_another_upload_is_kept_apart_and_the_other_upload_is_not_touched(string name, string kept)
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await Pipelines.ImportPeopleAsync(services, "het-anker");
        var other = await File.ReadAllBytesAsync(TestData.File("xmp-dc-subject.jpg")); // het-anker's own, consented
        await storage.Uploads.UploadAsync("het-anker/x.jpg", other);
        var otherETag = (await storage.Uploads.GetBlobClient("het-anker/x.jpg").GetPropertiesAsync()).Value.ETag;
        var odd = await File.ReadAllBytesAsync(TestData.File("no-people.jpg"));
        await storage.Uploads.UploadAsWrittenAsync(name, odd, "image/jpeg");
        Assert.Contains(name, await storage.Uploads.NamesAsync());
        var screening = services.GetRequiredService<UploadScreening>();

        var item = await screening.ScreenAsync(name, CancellationToken.None);

        Assert.NotNull(item);
        Assert.Equal(Outcome.Quarantined, item.Outcome);
        Assert.Equal([new Reason(ReasonCode.InvalidPath)], item.Reasons);
        Assert.Equal(MediaPath.Unassigned, item.School);
        Assert.Equal(kept, item.Location);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal([kept], await storage.Quarantine.NamesAsync());
        Assert.Equal(odd, await storage.Quarantine.ReadAsync(kept)); // its own bytes, not het-anker's
        Assert.Equal(["het-anker/x.jpg"], await storage.Uploads.NamesAsync()); // the odd one gone, the other as it was
        Assert.Equal(otherETag, (await storage.Uploads.GetBlobClient("het-anker/x.jpg").GetPropertiesAsync()).Value.ETag);
        var listed = Assert.Single(await services.GetRequiredService<ItemCatalog>().ListAsync(MediaPath.Unassigned, CancellationToken.None));
        Assert.Equal(name, listed.UploadPath);
        Assert.Empty(await services.GetRequiredService<ItemCatalog>().ListAsync("het-anker", CancellationToken.None));

        // A redelivery finds nothing to do; het-anker's own upload is then screened as itself.
        Assert.Null(await screening.ScreenAsync(name, CancellationToken.None));
        var own = await Pipelines.ScreenAsync(services, storage, "het-anker/x.jpg");
        Assert.Equal(Outcome.Approved, own!.Outcome);
        Assert.Equal([kept], await storage.Quarantine.NamesAsync(prefix: MediaPath.Unassigned));
    }

    [Fact]
    public async Task A_name_with_a_control_character_is_kept_apart_under_a_name_that_shows_it()
    {
        // (Azurite cannot list such a name, and turns a backslash into a slash; the rules for both are in MediaPathTests.)
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        const string name = "de-wilg/x\u0001.jpg";
        await storage.Uploads.UploadAsWrittenAsync(name, await File.ReadAllBytesAsync(TestData.File("no-people.jpg")));

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None);

        Assert.Equal([new Reason(ReasonCode.InvalidPath)], item!.Reasons);
        Assert.Equal(["_unassigned/de-wilg/x%01.jpg"], await storage.Quarantine.NamesAsync());
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.False(await storage.Upload(name).ExistsAsync());
    }

    [Fact]
    public async Task A_file_in_no_schools_folder_with_the_no_people_marker_is_not_approved()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("foto.jpg", "no-people.jpg");

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("foto.jpg", CancellationToken.None);

        Assert.Equal(Outcome.Quarantined, item!.Outcome);
        Assert.Equal([new Reason(ReasonCode.InvalidPath)], item.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["_unassigned/foto.jpg"], await storage.Quarantine.NamesAsync());
        Assert.Empty(await storage.Uploads.NamesAsync());
    }

    [Theory]
    [InlineData("\u212Aalisto/sportdag/x.jpg", "_unassigned/%E2%84%AAalisto/sportdag/x.jpg")] // Kelvin sign, "kalisto" under ToLowerInvariant
    [InlineData("KAL\u0130STO/x.jpg", "_unassigned/KAL%C4%B0STO/x.jpg")]
    public async Task A_look_alike_of_a_school_is_an_unknown_school_and_never_lands_in_that_school(string name, string kept)
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, "kalisto");
        await storage.Uploads.UploadFixtureAsync(name, "no-people.jpg");

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None);

        Assert.Equal(Outcome.Quarantined, item!.Outcome);
        Assert.Equal([new Reason(ReasonCode.UnknownSchool)], item.Reasons);
        Assert.Equal([kept], await storage.Quarantine.NamesAsync());
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Empty(await services.GetRequiredService<ItemCatalog>().ListAsync("kalisto", CancellationToken.None));
    }

    [Fact]
    public async Task A_school_without_a_register_quarantines_its_uploads_until_the_register_is_imported()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services); // de-wilg only
        await storage.Uploads.UploadFixtureAsync("het-anker/sportdag/emma.jpg", "xmp-dc-subject.jpg");
        await storage.Uploads.UploadFixtureAsync("het-anker/sportdag/leeg.jpg", "no-people.jpg");
        var screening = services.GetRequiredService<UploadScreening>();

        var tagged = await screening.ScreenAsync("het-anker/sportdag/emma.jpg", CancellationToken.None);
        var marker = await screening.ScreenAsync("het-anker/sportdag/leeg.jpg", CancellationToken.None);

        foreach (var item in new[] { tagged!, marker! })
        {
            Assert.Equal(Outcome.Quarantined, item.Outcome);
            Assert.Equal([new Reason(ReasonCode.UnknownSchool)], item.Reasons); // not "unknown-subject": the school is what to fix
        }

        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(["het-anker/sportdag/emma.jpg", "het-anker/sportdag/leeg.jpg"], await storage.Quarantine.NamesAsync());

        // The school's register arrives: its subjects' items are decided again, as for any late consent.
        await Pipelines.ImportPeopleAsync(services, "het-anker");
        await EndState.FinishAsync(services, storage);
        Assert.Equal(["het-anker/sportdag/emma.jpg"], await storage.Approved.NamesAsync());
    }

    [Fact]
    public async Task Every_copy_is_served_as_its_detected_format_never_as_the_uploader_said()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        var uploads = storage.Uploads;
        var hostile = new BlobHttpHeaders
        {
            ContentType = "text/html",
            ContentDisposition = "inline; filename=page.html",
            ContentEncoding = "gzip",
            CacheControl = "public, max-age=31536000",
        };
        await uploads.GetBlobClient("de-wilg/emma.jpg").UploadAsync(TestData.File("xmp-dc-subject.jpg"), new BlobUploadOptions { HttpHeaders = hostile });
        await uploads.GetBlobClient("de-wilg/page.jpg").UploadAsync(
            new BinaryData(Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } });
        var screening = services.GetRequiredService<UploadScreening>();

        Assert.Equal(Outcome.Approved, (await Pipelines.ScreenAsync(services, storage, "de-wilg/emma.jpg"))!.Outcome);
        Assert.Equal(Outcome.Quarantined, (await screening.ScreenAsync("de-wilg/page.jpg", CancellationToken.None))!.Outcome);

        foreach (var (container, name, type) in new[]
        {
            (storage.Approved, "de-wilg/emma.jpg", "image/jpeg"),
            (storage.Quarantine, "de-wilg/emma.jpg", "image/jpeg"),
            (storage.Quarantine, "de-wilg/page.jpg", "application/octet-stream"),
        })
        {
            var properties = (await container.GetBlobClient(name).GetPropertiesAsync()).Value;
            Assert.Equal(type, properties.ContentType);
            Assert.Null(properties.ContentDisposition);
            Assert.Null(properties.ContentEncoding);
            Assert.Null(properties.CacheControl);
        }
    }
}
