using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

[Collection(AzuriteCollection.Name)]
public sealed class RedactionPublishingTests(Azurite azurite)
{
    [Fact]
    public async Task A_face_without_consent_is_redacted_through_the_queue_and_the_original_kept_in_quarantine()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, change: p => p.SubjectId == "LL-1002" ? p with { WithdrawnOn = new DateOnly(2026, 11, 1) } : p);
        var photo = WithFaces(("LL-1001", 0.3), ("LL-1002", 0.7));
        await storage.Uploads.UploadAsync("de-wilg/sportdag/finish.jpg", photo);

        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/sportdag/finish.jpg", CancellationToken.None);

        // Screening did not wait for pixels: first the imaging worker looks for the faces, then it redacts.
        Assert.True(screened!.AwaitsFaces);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(photo, await storage.Quarantine.ReadAsync("de-wilg/sportdag/finish.jpg"));
        var publishing = services.GetRequiredService<RedactionPublishing>();
        var scan = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(10)).Value);
        Assert.True(RedactionPublishing.Parse(scan.MessageText).Faces);
        var item = await publishing.PublishAsync(RedactionPublishing.Parse(scan.MessageText), CancellationToken.None);

        Assert.Equal(Outcome.Redacted, item!.Outcome);
        Assert.Equal(["LL-1002"], item.RedactedSubjects);
        Assert.True(item.RedactionPending);
        Assert.Empty(await storage.Approved.NamesAsync()); // the face scan did not wait for the redaction either
        Assert.Equal(photo, await storage.Quarantine.ReadAsync("de-wilg/sportdag/finish.jpg"));

        var message = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(10)).Value);
        var request = RedactionPublishing.Parse(message.MessageText);
        var published = await publishing.PublishAsync(request, CancellationToken.None);
        Assert.Null(await publishing.PublishAsync(request, CancellationToken.None)); // delivered again: nothing to do

        Assert.False(published!.RedactionPending);
        var derivative = await storage.Approved.ReadAsync("de-wilg/sportdag/finish.jpg");
        Assert.NotEqual(photo, derivative);
        Assert.DoesNotContain("LL-100", Encoding.ASCII.GetString(derivative), StringComparison.Ordinal);
        var tags = new TagReader().Read(new MemoryStream(derivative), "finish.jpg");
        Assert.Empty(tags.Persons);
        var properties = (await storage.Approved.GetBlobClient("de-wilg/sportdag/finish.jpg").GetPropertiesAsync()).Value;
        Assert.Equal("redacted", properties.Metadata["mediagate_copy"]);
        var state = (await services.GetRequiredService<ItemCatalog>().GetAsync("de-wilg", item.Key, CancellationToken.None))?.State;
        Assert.Equal(Outcome.Redacted, state!.Outcome);
        Assert.False(state.RedactionPending);
    }

    [Fact]
    public async Task An_image_over_the_pixel_cap_stays_quarantined_as_too_large()
    {
        var storage = await azurite.NewStorageAsync();
        var clock = new FixedClock(Pipelines.Now);
        await using var services = Pipelines.Create(storage, clock, new Dictionary<string, string?> { ["MediaGate:Imaging:MaxPixels"] = "1000" });
        await Pipelines.ImportPeopleAsync(services, change: p => p.SubjectId == "LL-1002" ? p with { WithdrawnOn = new DateOnly(2026, 11, 1) } : p);
        await storage.Uploads.UploadAsync("de-wilg/kapot.jpg", WithFaces(("LL-1001", 0.3), ("LL-1002", 0.7)));
        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync("de-wilg/kapot.jpg", CancellationToken.None);
        Assert.True(item!.AwaitsFaces); // the tags would redact it: it waits for its faces

        // The face detection decodes under the same pixel cap: the image cannot be looked at, so it is never published.
        var message = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(10)).Value);
        Assert.True(RedactionPublishing.Parse(message.MessageText).Faces);
        clock.Now = Pipelines.Now.AddSeconds(3);
        var after = await services.GetRequiredService<RedactionPublishing>().PublishAsync(RedactionPublishing.Parse(message.MessageText), CancellationToken.None);

        Assert.Equal(Outcome.Quarantined, after!.Outcome);
        Assert.Contains(after.Reasons, r => r.Code == ReasonCode.TooLarge);
        Assert.Equal(ReasonCode.TooLarge, after.Faces!.Failure);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Empty((await storage.RedactQueue.ReceiveMessagesAsync(10)).Value); // no redaction asked for
        var trail = await services.GetRequiredService<ItemCatalog>().TrailAsync("de-wilg", item.Key, CancellationToken.None);
        Assert.Equal([(Outcome.Quarantined, FaceScanning.Trigger)], trail.Select(d => (d.Decision.Outcome, d.Trigger)));
    }

    /// <summary>A real 64×48 photo with MWG face regions named by subject IDs, side by side.</summary>
    internal static byte[] WithFaces(params (string Name, double CentreX)[] faces)
    {
        var regions = string.Concat(faces.Select(f =>
            "<rdf:li rdf:parseType=\"Resource\">" +
            $"<mwg-rs:Name>{f.Name}</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>" +
            $"<mwg-rs:Area stArea:x=\"{f.CentreX.ToString(System.Globalization.CultureInfo.InvariantCulture)}\" stArea:y=\"0.5\" stArea:w=\"0.2\" stArea:h=\"0.3\" stArea:unit=\"normalized\"/>" +
            "</rdf:li>"));
        var xmp = MediaBuilder.Xmp(
            "<rdf:Description rdf:about=\"\" xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\" " +
            "xmlns:stArea=\"http://ns.adobe.com/xmp/sType/Area#\" xmlns:stDim=\"http://ns.adobe.com/xap/1.0/sType/Dimensions#\">" +
            "<mwg-rs:Regions rdf:parseType=\"Resource\">" +
            "<mwg-rs:AppliedToDimensions stDim:w=\"64\" stDim:h=\"48\" stDim:unit=\"pixel\"/>" +
            $"<mwg-rs:RegionList><rdf:Bag>{regions}</rdf:Bag></mwg-rs:RegionList>" +
            "</mwg-rs:Regions></rdf:Description>");
        var jpeg = File.ReadAllBytes(TestData.File("untagged.jpg"));
        var payload = Encoding.UTF8.GetBytes("http://ns.adobe.com/xap/1.0/\0" + xmp);
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }
}
