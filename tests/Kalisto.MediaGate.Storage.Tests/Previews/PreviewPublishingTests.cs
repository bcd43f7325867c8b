using System.Globalization;
using System.Text;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Storage.Tests.Previews;

[Collection(AzuriteCollection.Name)]
public sealed class PreviewPublishingTests(Azurite azurite)
{
    private const string School = "de-wilg";

    [Fact]
    public async Task Approved_photo_gets_an_upright_preview_of_480_pixels_without_metadata()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        // Stored 960 × 640, shown upright (orientation 6) as 640 × 960.
        await storage.Uploads.UploadAsync("de-wilg/sportdag/emma.jpg", Photo(960, 640, MediaBuilder.DcSubject("LL-1001"), orientation: 6));

        var item = await ScreenAsync(services, "de-wilg/sportdag/emma.jpg");
        Assert.Equal(Outcome.Approved, item.Outcome);
        Assert.Null(await OpenAsync(services, item)); // asked for, not made yet
        var request = PreviewPublishing.Parse(Assert.Single((await storage.PreviewsQueue.PeekMessagesAsync(32)).Value).MessageText);
        Assert.Equal(new PreviewRequest(School, item.ItemId, item.Generation), request);
        await DrainPreviewsAsync(storage, services);

        var preview = Assert.IsType<byte[]>(await OpenAsync(services, item));
        var markers = JpegMarkers(preview);
        Assert.DoesNotContain(0xE1, markers); // APP1: EXIF, XMP
        Assert.DoesNotContain(0xE2, markers); // APP2: ICC
        Assert.DoesNotContain(0xED, markers); // APP13: IPTC
        Assert.DoesNotContain(0xFE, markers); // COM
        Assert.DoesNotContain("LL-1001", Encoding.Latin1.GetString(preview), StringComparison.Ordinal);
        using var image = Image.Load<Rgb24>(preview);
        Assert.Equal((320, 480), (image.Width, image.Height));

        var properties = (await storage.Previews.GetBlobClient($"de-wilg/{item.ItemId}.jpg").GetPropertiesAsync()).Value;
        Assert.Equal("image/jpeg", properties.ContentType);
        Assert.Equal(item.Generation.ToString(CultureInfo.InvariantCulture), properties.Metadata["mediagate_generation"]);
        Assert.Equal("approved", properties.Metadata["mediagate_state"]);
        Assert.Empty(await storage.PreviewsQueue.PeekMessagesAsync(32).ContinueWith(t => t.Result.Value));
    }

    [Fact]
    public async Task Redacted_photo_has_no_preview_until_its_derivative_is_published_and_then_a_redacted_one()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services, change: p => p.SubjectId == "LL-1002" ? p with { WithdrawnOn = new DateOnly(2026, 11, 1) } : p);
        var photo = Photo(960, 720, Faces(960, 720, ("LL-1001", 0.3), ("LL-1002", 0.7)));
        await storage.Uploads.UploadAsync("de-wilg/sportdag/finish.jpg", photo);

        var pending = await ScreenAsync(services, "de-wilg/sportdag/finish.jpg");
        Assert.True(pending.RedactionPending);
        await DrainPreviewsAsync(storage, services);
        Assert.Empty(await storage.Previews.NamesAsync()); // no preview while the redaction is pending
        Assert.Null(await OpenAsync(services, pending));

        var redaction = services.GetRequiredService<RedactionPublishing>();
        Assert.Equal((1, 0), await QueueDrain.RunAsync(storage.RedactQueue, (m, ct) => redaction.PublishAsync(RedactionPublishing.Parse(m), ct), 1, CancellationToken.None));
        var item = await StateAsync(services, pending.ItemId);
        Assert.Equal((Outcome.Redacted, false), (item.Outcome, item.RedactionPending));
        Assert.Null(await OpenAsync(services, pending)); // the pending state never has one
        await DrainPreviewsAsync(storage, services);

        using var preview = Image.Load<Rgb24>(Assert.IsType<byte[]>(await OpenAsync(services, item)));
        Assert.Equal((480, 360), (preview.Width, preview.Height));
        using var derivative = Image.Load<Rgb24>(await storage.Approved.ReadAsync(item.Location));
        derivative.Mutate(c => c.Resize(480, 360));
        using var original = Image.Load<Rgb24>(photo);
        original.Mutate(c => c.Resize(480, 360));
        // Inside the face of LL-1002 (centre 0.7, 0.5; 0.2 × 0.3): like the derivative, unlike the original.
        var face = Rectangle.FromLTRB((int)(0.62 * 480), (int)(0.37 * 360), (int)(0.78 * 480), (int)(0.63 * 360));
        var fromDerivative = MeanDifference(preview, derivative, face);
        var fromOriginal = MeanDifference(preview, original, face);
        Assert.True(fromDerivative < 6, $"preview differs from the derivative by {fromDerivative:F1}");
        Assert.True(fromOriginal > 3 * fromDerivative && fromOriginal > 10, $"preview differs from the original by {fromOriginal:F1} only");
    }

    [Fact]
    public async Task Preview_of_a_withdrawn_photo_is_not_served_until_the_quarantined_one_is_made()
    {
        var storage = await azurite.NewStorageAsync();
        var clock = new FixedClock(Pipelines.Now);
        await using var services = Pipelines.Create(storage, clock);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadAsync("de-wilg/emma.jpg", Photo(640, 480, MediaBuilder.DcSubject("LL-1001")));
        var approved = await ScreenAsync(services, "de-wilg/emma.jpg");
        await DrainRescreensAsync(storage, services);
        await DrainPreviewsAsync(storage, services);
        Assert.NotNull(await OpenAsync(services, approved));

        clock.Now = Pipelines.Now.AddHours(1);
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        await DrainRescreensAsync(storage, services);
        var withdrawn = await StateAsync(services, approved.ItemId);
        Assert.Equal((Outcome.Quarantined, approved.Generation + 1), (withdrawn.Outcome, withdrawn.Generation));

        // The stored preview still shows the approved decision: it is not served for the item as it is now.
        Assert.NotNull(await OpenAsync(services, approved));
        Assert.Null(await OpenAsync(services, withdrawn));
        var requests = (await storage.PreviewsQueue.PeekMessagesAsync(32)).Value.Select(m => PreviewPublishing.Parse(m.MessageText));
        Assert.Equal([new PreviewRequest(School, approved.ItemId, withdrawn.Generation)], requests);

        await DrainPreviewsAsync(storage, services);
        var properties = (await storage.Previews.GetBlobClient($"de-wilg/{approved.ItemId}.jpg").GetPropertiesAsync()).Value;
        Assert.Equal("quarantined", properties.Metadata["mediagate_state"]);
        Assert.NotNull(await OpenAsync(services, withdrawn));
        Assert.Null(await OpenAsync(services, approved));
    }

    [Fact]
    public async Task Repeated_and_outdated_requests_change_nothing()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadAsync("de-wilg/emma.jpg", Photo(640, 480, MediaBuilder.DcSubject("LL-1001")));
        var item = await ScreenAsync(services, "de-wilg/emma.jpg");
        var publishing = services.GetRequiredService<PreviewPublishing>();
        var request = PreviewRequest.For(item);

        Assert.Equal(PreviewOutcome.Written, await publishing.PublishAsync(request, CancellationToken.None));
        var blob = storage.Previews.GetBlobClient($"de-wilg/{item.ItemId}.jpg");
        var written = (await blob.GetPropertiesAsync()).Value.ETag;
        Assert.Equal(PreviewOutcome.Current, await publishing.PublishAsync(request, CancellationToken.None));
        Assert.Equal(PreviewOutcome.Superseded, await publishing.PublishAsync(request with { Generation = item.Generation - 1 }, CancellationToken.None));
        Assert.Equal(PreviewOutcome.Superseded, await publishing.PublishAsync(request with { Generation = item.Generation + 1 }, CancellationToken.None));
        Assert.Equal(PreviewOutcome.Superseded, await publishing.PublishAsync(request with { ItemKey = "0123456789abcdef0123456789abcdef" }, CancellationToken.None));

        Assert.Equal(written, (await blob.GetPropertiesAsync()).Value.ETag);
        Assert.Equal([$"de-wilg/{item.ItemId}.jpg"], await storage.Previews.NamesAsync());
        Assert.NotNull(await OpenAsync(services, item));
        Assert.Null(await OpenAsync(services, item with { Generation = item.Generation + 1 })); // same state, a later decision
    }

    [Fact]
    public async Task Video_gets_no_preview_and_its_request_does_not_fail()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync("de-wilg/film.mp4", "mp4-uuid-xmp.mp4");
        var item = await ScreenAsync(services, "de-wilg/film.mp4");

        var message = Assert.Single((await storage.PreviewsQueue.PeekMessagesAsync(32)).Value);
        Assert.Equal(PreviewOutcome.NoPreview, await services.GetRequiredService<PreviewPublishing>().PublishAsync(PreviewPublishing.Parse(message.MessageText), CancellationToken.None));
        await DrainPreviewsAsync(storage, services);

        Assert.Empty(await storage.Previews.NamesAsync());
        Assert.Null(await OpenAsync(services, item));
    }

    [Fact]
    public async Task A_lost_preview_request_changes_no_decision()
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage);
        await Pipelines.ImportPeopleAsync(services);
        await storage.PreviewsQueue.DeleteAsync(); // every request is refused
        await storage.Uploads.UploadAsync("de-wilg/emma.jpg", Photo(640, 480, MediaBuilder.DcSubject("LL-1001")));
        await storage.Uploads.UploadAsync("de-wilg/unknown.jpg", Photo(640, 480, MediaBuilder.DcSubject("LL-9999")));

        var approved = await ScreenAsync(services, "de-wilg/emma.jpg");
        var quarantined = await ScreenAsync(services, "de-wilg/unknown.jpg");

        Assert.Equal((Outcome.Approved, true), (approved.Outcome, approved.Converged));
        Assert.Equal(Outcome.Quarantined, quarantined.Outcome);
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());
        Assert.Empty(await storage.Previews.NamesAsync());
    }

    /// <summary>
    /// Screens an upload, then, when it waits for its faces, runs that one face scan as the imaging worker would
    /// (and not what the scan asks for next: a redaction stays queued); the item's state afterwards.
    /// </summary>
    private static async Task<ItemState> ScreenAsync(ServiceProvider services, string name)
    {
        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None)
            ?? throw new InvalidOperationException($"{name} was not screened");
        if (!screened.AwaitsFaces)
        {
            return screened;
        }

        var storage = services.GetRequiredService<MediaStorage>();
        var message = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(32)).Value);
        var request = RedactionPublishing.Parse(message.MessageText);
        Assert.True(request.Faces);
        var decided = await services.GetRequiredService<RedactionPublishing>().PublishAsync(request, CancellationToken.None)
            ?? throw new InvalidOperationException($"{name} was not decided with its faces");
        await storage.RedactQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return decided;
    }

    private static async Task<ItemState> StateAsync(ServiceProvider services, string itemId) =>
        (await services.GetRequiredService<ItemCatalog>().GetAsync(School, itemId, CancellationToken.None))!.State;

    private static async Task<byte[]?> OpenAsync(ServiceProvider services, ItemState item)
    {
        await using var stream = await services.GetRequiredService<PreviewStore>().OpenAsync(item, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }

        using var bytes = new MemoryStream();
        await stream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>What MakePreview does with the queued messages.</summary>
    internal static async Task DrainPreviewsAsync(MediaStorage storage, ServiceProvider services)
    {
        var publishing = services.GetRequiredService<PreviewPublishing>();
        var (_, failed) = await QueueDrain.RunAsync(storage.PreviewsQueue, (m, ct) => publishing.PublishAsync(PreviewPublishing.Parse(m), ct), 1, CancellationToken.None);
        Assert.Equal(0, failed);
    }

    private static async Task DrainRescreensAsync(MediaStorage storage, ServiceProvider services)
    {
        var rescreening = services.GetRequiredService<ItemRescreening>();
        var outbox = services.GetRequiredService<RescreenOutbox>();
        var (_, failed) = await QueueDrain.RunAsync(storage.RescreenQueue, (m, ct) => outbox.HandleAsync(RescreenRequest.Parse(m), rescreening.RescreenAsync, ct), 1, CancellationToken.None);
        Assert.Equal(0, failed);
    }

    /// <summary>A photo-like JPEG made in code (fine detail for a redaction to destroy) with an XMP packet and an EXIF orientation.</summary>
    internal static byte[] Photo(int width, int height, string xmpBody, int orientation = 1)
    {
        var random = new Random(7);
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), 128);
            }
        }

        for (var patch = width * height / 60; patch > 0; patch--)
        {
            var colour = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            int w = random.Next(3, 16), h = random.Next(3, 16), left = random.Next(width - 16), top = random.Next(height - 16);
            for (var y = top; y < top + h; y++)
            {
                for (var x = left; x < left + w; x++)
                {
                    image[x, y] = colour;
                }
            }
        }

        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)orientation);
        using var jpeg = new MemoryStream();
        image.Save(jpeg, new JpegEncoder { Quality = 92 });
        var bytes = jpeg.ToArray();
        var payload = Encoding.UTF8.GetBytes("http://ns.adobe.com/xap/1.0/\0" + MediaBuilder.Xmp(xmpBody));
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. bytes.AsSpan(2)];
    }

    /// <summary>MWG face regions named by subject IDs, side by side.</summary>
    internal static string Faces(int width, int height, params (string Name, double CentreX)[] faces) =>
        "<rdf:Description rdf:about=\"\" xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\" " +
        "xmlns:stArea=\"http://ns.adobe.com/xmp/sType/Area#\" xmlns:stDim=\"http://ns.adobe.com/xap/1.0/sType/Dimensions#\">" +
        "<mwg-rs:Regions rdf:parseType=\"Resource\">" +
        $"<mwg-rs:AppliedToDimensions stDim:w=\"{width}\" stDim:h=\"{height}\" stDim:unit=\"pixel\"/>" +
        "<mwg-rs:RegionList><rdf:Bag>" +
        string.Concat(faces.Select(f =>
            "<rdf:li rdf:parseType=\"Resource\">" +
            $"<mwg-rs:Name>{f.Name}</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>" +
            $"<mwg-rs:Area stArea:x=\"{f.CentreX.ToString(CultureInfo.InvariantCulture)}\" stArea:y=\"0.5\" stArea:w=\"0.2\" stArea:h=\"0.3\" stArea:unit=\"normalized\"/>" +
            "</rdf:li>")) +
        "</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description>";

    private static double MeanDifference(Image<Rgb24> a, Image<Rgb24> b, Rectangle area)
    {
        double sum = 0;
        for (var y = area.Top; y < area.Bottom; y++)
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                sum += Math.Abs(a[x, y].R - b[x, y].R) + Math.Abs(a[x, y].G - b[x, y].G) + Math.Abs(a[x, y].B - b[x, y].B);
            }
        }

        return sum / (3.0 * area.Width * area.Height);
    }

    /// <summary>The markers of a JPEG's segments up to the first start of scan.</summary>
    internal static List<int> JpegMarkers(byte[] jpeg)
    {
        Assert.True(jpeg.Length > 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var markers = new List<int> { 0xD8 };
        for (var at = 2; at + 4 <= jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[at]);
            markers.Add(jpeg[at + 1]);
            if (jpeg[at + 1] == 0xDA)
            {
                return markers;
            }

            at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
        }

        Assert.Fail("no start of scan");
        return markers;
    }
}
