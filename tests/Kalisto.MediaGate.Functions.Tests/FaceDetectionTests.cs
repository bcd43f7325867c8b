using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Storage;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kalisto.MediaGate.Functions.Tests;

/// <summary>SPEC §11 in the Functions app: the face detection runs from the redact queue, on RedactImage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FaceDetectionTests(Azurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_apps_services_detect_faces_with_the_model_of_the_build()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);

        var detector = host.Services.GetRequiredService<IFaceDetector>();

        Assert.IsType<FaceScanner>(detector);
        Assert.True(detector.CanDetect(MediaFormat.Jpeg));
        Assert.False(detector.CanDetect(MediaFormat.IsoMedia));
        host.Services.GetRequiredService<FaceDetector>().EnsureModel(); // npm ci brought it, the build copied it
    }

    [Fact]
    public async Task RedactImage_looks_for_the_faces_of_a_tagged_image_and_then_publishes_it()
    {
        await using var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(Now));
        var (storage, catalog) = await ScreenEmmaAsync(host);
        var screened = Assert.Single(await catalog.ListAsync("de-wilg", CancellationToken.None));
        Assert.True(screened.AwaitsFaces);
        Assert.Empty(await storage.Approved.NamesAsync());

        var message = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(32)).Value);
        Assert.True(RedactionPublishing.Parse(message.MessageText).Faces);
        await host.Function<RedactImage>().RunAsync(message.MessageText, CancellationToken.None);

        var item = Assert.Single(await catalog.ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal((Outcome.Approved, false), (item.Outcome, item.Screening));
        Assert.Equal((0, 0), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified)); // a flat test picture shows no face
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());
    }

    [Fact]
    public async Task RedactImage_redacts_a_face_no_tag_accounts_for_after_looking_for_the_faces()
    {
        FaceRegion[] faces = [new(0.1, 0.1, 0.3, 0.3), new(0.6, 0.5, 0.3, 0.3)];
        await using var host = await FunctionsHost.StartAsync(azurite, clock: new FixedClock(Now), services: s => s.AddSingleton<IFaceDetector>(new ScriptedFaces(faces)));
        var (storage, catalog) = await ScreenEmmaAsync(host);
        var function = host.Function<RedactImage>();

        var scan = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(32)).Value);
        await function.RunAsync(scan.MessageText, CancellationToken.None);
        var redaction = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(32)).Value, m => !RedactionPublishing.Parse(m.MessageText).Faces);
        await function.RunAsync(redaction.MessageText, CancellationToken.None);

        var item = Assert.Single(await catalog.ListAsync("de-wilg", CancellationToken.None));
        Assert.Equal((Outcome.Redacted, false), (item.Outcome, item.RedactionPending));
        Assert.Contains(item.Reasons, r => r.Code == ReasonCode.UnidentifiedFace);
        Assert.Equal((2, 1), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified));
        Assert.All(faces, face => Assert.Contains(face, item.Redactions));
        Assert.Equal(["de-wilg/emma.jpg"], await storage.Approved.NamesAsync());
        var decisions = await catalog.TrailAsync("de-wilg", item.ItemId, CancellationToken.None);
        Assert.Contains(decisions, d => d.Trigger == FaceScanning.Trigger && d.Decision.Faces is { Unidentified: 1 });
    }

    private static async Task<(MediaStorage Storage, ItemCatalog Catalog)> ScreenEmmaAsync(FunctionsHost host)
    {
        var storage = host.Services.GetRequiredService<MediaStorage>();
        await host.Services.GetRequiredService<Storage.Lifecycle.ConsentChanges>().ImportAsync([Records.Valid("de-wilg", "LL-1001", "Emma de Vries", "newsletter", "website")], "test", CancellationToken.None);
        await storage.Uploads.UploadFixtureAsync("de-wilg/emma.jpg", "xmp-dc-subject.jpg");
        await host.Function<ScreenUpload>().RunAsync(storage.Uploads.GetBlobClient("de-wilg/emma.jpg"), "de-wilg/emma.jpg", CancellationToken.None);
        return (storage, host.Services.GetRequiredService<ItemCatalog>());
    }

    /// <summary>Finds the faces it was given in every JPEG.</summary>
    private sealed class ScriptedFaces(IReadOnlyList<FaceRegion> faces) : IFaceDetector
    {
        public bool CanDetect(MediaFormat format) => format == MediaFormat.Jpeg;

        public Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken) => Task.FromResult(FaceScan.Found(faces));
    }
}
