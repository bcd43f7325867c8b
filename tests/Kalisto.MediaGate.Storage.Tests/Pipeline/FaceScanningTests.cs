using Azure.Core;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Storage.Tests.Previews;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Storage.Tests.Pipeline;

/// <summary>
/// The face detection of SPEC §11 at the pipeline's end, on Azurite with the real wiring: an image the tags would
/// publish waits in screening for the imaging worker to look for its faces, then is decided with them. The boxes
/// come from a scripted detector that stands for the pixels (the real one is tested on real faces in the imaging
/// tests, and once here on a real photo of the corpus).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FaceScanningTests(Azurite azurite)
{
    private const string School = "de-wilg";
    private const string Name = "de-wilg/sportdag/finish.jpg";
    private const int Width = 960;
    private const int Height = 720;

    /// <summary>LL-1001's face as the detector finds it: inside the tagged region (centre 0.3, 0.5; 0.2 × 0.3).</summary>
    private static readonly FaceRegion Tagged = new(0.21, 0.36, 0.18, 0.28);

    /// <summary>A face no tag accounts for, to the right of it.</summary>
    private static readonly FaceRegion Extra = new(0.6, 0.35, 0.2, 0.3);

    [Fact]
    public async Task A_face_no_tag_accounts_for_is_pixelated_in_the_published_derivative_and_the_tagged_one_left_as_it_is()
    {
        var faces = new ScriptedFaces(Tagged, Extra);
        var (storage, services) = await StartAsync(faces);
        await using var _s = services;
        var photo = Photo();
        await storage.Uploads.UploadAsync(Name, photo);

        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync(Name, CancellationToken.None);
        Assert.True(screened!.AwaitsFaces);
        Assert.Equal(0, faces.Scans); // screening never looks at the pixels
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(2, await Pipelines.DrainImagingAsync(services, storage)); // the scan, then the redaction it asked for

        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Redacted, false, false), (item.Outcome, item.RedactionPending, item.Screening));
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], item.Reasons);
        Assert.Equal([Extra], item.Redactions);
        Assert.Equal((2, 1), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified));
        Assert.Equal([Extra], item.FaceCheck.Unaccounted);
        Assert.Equal(1, faces.Scans);
        var trail = await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None);
        Assert.Equal([FaceScanning.Trigger, RedactionPublishing.Trigger], trail.Select(d => d.Trigger));
        Assert.All(trail, d =>
        {
            Assert.Equal(Outcome.Redacted, d.Decision.Outcome);
            Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], d.Decision.Reasons);
            Assert.Equal((2, 1), (d.Decision.Faces!.Detected, d.Decision.Faces.Unidentified));
            Assert.Equal([Extra], d.Decision.Faces.Unaccounted);
        });

        // The derivative: the extra face is pixelated, LL-1001's face and the rest as they were (within JPEG's loss).
        Assert.Equal([Name], await storage.Approved.NamesAsync());
        Assert.Equal("redacted", (await storage.Approved.GetBlobClient(Name).GetPropertiesAsync()).Value.Metadata["mediagate_copy"]);
        using var original = Image.Load<Rgb24>(photo);
        using var derivative = Image.Load<Rgb24>(await storage.Approved.ReadAsync(Name));
        Assert.Equal((Width, Height), (derivative.Width, derivative.Height));
        var extra = Inside(Extra);
        var tagged = Inside(Tagged);
        var (changed, kept) = (MeanDifference(original, derivative, extra), MeanDifference(original, derivative, tagged));
        Assert.True(changed > 20, $"the extra face differs from the original by {changed:F1} only");
        Assert.True(kept < 5, $"LL-1001's face differs from the original by {kept:F1}");
        var (blocky, detailed) = (Detail(derivative, extra), Detail(original, extra));
        Assert.True(blocky < detailed / 3, $"the extra face keeps its detail: {blocky:F1} against {detailed:F1}");
        Assert.True(Detail(derivative, tagged) > Detail(original, tagged) * 0.7, "LL-1001's face lost its detail");
    }

    [Fact]
    public async Task Without_redaction_of_unidentified_faces_the_photo_is_quarantined_and_nothing_published()
    {
        var faces = new ScriptedFaces(Tagged, Extra);
        var (storage, services) = await StartAsync(faces, new Dictionary<string, string?> { [$"{FaceOptions.Section}:RedactUnidentified"] = "false" });
        await using var _s = services;
        await storage.Uploads.UploadAsync(Name, Photo());

        var item = await Pipelines.ScreenAsync(services, storage, Name);

        Assert.Equal((Outcome.Quarantined, false), (item!.Outcome, item.Screening));
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], item.Reasons);
        Assert.Equal((2, 1), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified));
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal([Name], await storage.Quarantine.NamesAsync());
        Assert.Equal(0, await Pipelines.DrainImagingAsync(services, storage)); // no redaction asked for
        var decision = Assert.Single(await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None));
        Assert.Equal((FaceScanning.Trigger, Outcome.Quarantined), (decision.Trigger, decision.Decision.Outcome));
        Assert.Contains(new Reason(ReasonCode.UnidentifiedFace), decision.Decision.Reasons);
        Assert.Equal(1, decision.Decision.Faces!.Unidentified);
    }

    [Fact]
    public async Task Consent_withdrawn_while_the_photo_waits_for_its_faces_quarantines_it_and_it_is_never_published()
    {
        var faces = new ScriptedFaces(Tagged);
        var fault = new FaultInjection();
        var (storage, services) = await StartAsync(faces, fault: fault);
        await using var _s = services;
        var published = WatchApproved(fault, storage);
        var screened = await ScreenPhotoAsync(services, storage);
        Assert.True(screened.AwaitsFaces);
        await services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        Assert.Empty(await storage.Approved.NamesAsync());
        var (rescreens, failed) = await QueueDrain.RunMessagesAsync(storage.RescreenQueue, EndState.Rescreen(services), 1, CancellationToken.None);
        Assert.Equal((1, 0), (rescreens, failed));

        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Quarantined, false), (item.Outcome, item.Screening));
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1001")], item.Reasons);
        Assert.Empty(await storage.Approved.NamesAsync());

        // The scan asked for before the withdrawal comes late: the item is decided without it.
        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));
        Assert.Equal(0, faces.Scans);
        var after = await StateAsync(services, screened.ItemId);
        Assert.Equal((item.StateName, item.Generation, item.Reasons.Single(), item.Faces), (after.StateName, after.Generation, after.Reasons.Single(), after.Faces));
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(0, published());
        var decision = Assert.Single(await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None));
        Assert.Equal((ItemRescreening.Trigger, Outcome.Quarantined), (decision.Trigger, decision.Decision.Outcome));
    }

    [Fact]
    public async Task A_withdrawal_committed_while_the_faces_are_looked_for_is_what_the_photo_is_decided_on()
    {
        var faces = new ScriptedFaces(Tagged);
        var fault = new FaultInjection();
        var (storage, services) = await StartAsync(faces, fault: fault);
        await using var _s = services;
        var published = WatchApproved(fault, storage);
        var screened = await ScreenPhotoAsync(services, storage);
        Assert.True(screened.AwaitsFaces);

        // The scan read the item (and the register allowed it); the withdrawal commits while the pixels are looked at.
        faces.During = () => services.GetRequiredService<ConsentChanges>().WithdrawAsync(School, "LL-1001", null, "privacy officer", CancellationToken.None);
        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));

        Assert.Equal(1, faces.Scans);
        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Quarantined, false), (item.Outcome, item.Screening));
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1001")], item.Reasons);
        Assert.Equal(2L, item.ConsentVersions["LL-1001"]); // the withdrawn record, not the one the screening read
        Assert.Empty(await storage.Approved.NamesAsync());
        await EndState.FinishAsync(services, storage); // the withdrawal's own re-screen
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(0, published());
        var trail = await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None);
        Assert.DoesNotContain(trail, d => d.Decision.Outcome != Outcome.Quarantined);
        await EndState.AssertAsFreshDecisionAsync(services, storage, "after the withdrawal during the scan");
    }

    [Fact]
    public async Task A_scan_delivered_twice_records_one_decision_and_publishes_one_copy()
    {
        var faces = new ScriptedFaces(Tagged);
        var (storage, services) = await StartAsync(faces);
        await using var _s = services;
        var screened = await ScreenPhotoAsync(services, storage);
        var message = Assert.Single((await storage.RedactQueue.ReceiveMessagesAsync(32)).Value);
        await storage.RedactQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        var request = RedactionPublishing.Parse(message.MessageText);
        Assert.True(request.Faces);
        var publishing = services.GetRequiredService<RedactionPublishing>();

        // Twice at the same time (both read the item before either records its faces), then once more.
        var both = await Task.WhenAll(publishing.PublishAsync(request, CancellationToken.None), publishing.PublishAsync(request, CancellationToken.None));
        Assert.Null(await publishing.PublishAsync(request, CancellationToken.None));

        Assert.Contains(both, s => s?.Outcome == Outcome.Approved); // the other decided it, or found it decided (null)
        Assert.All(both, s => Assert.True(s is null || s.Outcome == Outcome.Approved));
        Assert.InRange(faces.Scans, 1, 2);
        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Approved, false, true), (item.Outcome, item.Screening, item.Converged));
        Assert.Equal((1, 0), (item.FaceCheck!.Detected, item.FaceCheck.Unidentified));
        var decision = Assert.Single(await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None));
        Assert.Equal(FaceScanning.Trigger, decision.Trigger);
        var copies = await EndState.CopiesAsync(storage.Approved, string.Empty, School);
        Assert.Equal([(Name, item.ItemId)], copies);
        Assert.Equal(0, await Pipelines.DrainImagingAsync(services, storage));
    }

    [Fact]
    public async Task A_lost_scan_is_asked_for_again_by_the_daily_reconciliation()
    {
        var faces = new ScriptedFaces(Tagged);
        var (storage, services) = await StartAsync(faces);
        await using var _s = services;
        var screened = await ScreenPhotoAsync(services, storage);
        await storage.RedactQueue.ClearMessagesAsync(); // the request is lost
        Assert.Equal(0, await Pipelines.DrainImagingAsync(services, storage));
        Assert.True((await StateAsync(services, screened.ItemId)).AwaitsFaces);

        await services.GetRequiredService<ItemReconciliation>().RunAsync(CancellationToken.None);

        var asked = RedactionPublishing.Parse(Assert.Single((await storage.RedactQueue.PeekMessagesAsync(32)).Value).MessageText);
        Assert.Equal((true, screened.ItemId, screened.SourceETag), (asked.Faces, asked.ItemKey, asked.SourceETag));
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));
        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Approved, false), (item.Outcome, item.Screening));
        Assert.Equal([Name], await storage.Approved.NamesAsync());
        Assert.Equal(1, faces.Scans);
    }

    [Fact]
    public async Task A_re_screen_asks_again_for_the_scan_of_a_photo_whose_request_was_lost()
    {
        var faces = new ScriptedFaces(Tagged);
        var (storage, services) = await StartAsync(faces);
        await using var _s = services;
        var screened = await ScreenPhotoAsync(services, storage);
        await storage.RedactQueue.ClearMessagesAsync(); // the request is lost (its upload is never delivered again)

        // A narrower consent of LL-1001: its re-screen, on its first delivery, does not pass over the waiting photo.
        await services.GetRequiredService<ConsentChanges>().ImportAsync(
            [Records.Valid(School, "LL-1001", "Emma de Vries", ["newsletter", "website"]) with { Evidence = "form-2026-new" }], "privacy officer", CancellationToken.None);
        var (rescreens, failed) = await QueueDrain.RunMessagesAsync(storage.RescreenQueue, EndState.Rescreen(services), 1, CancellationToken.None);
        Assert.Equal((1, 0), (rescreens, failed));
        Assert.True((await StateAsync(services, screened.ItemId)).AwaitsFaces);
        Assert.Empty(await storage.Approved.NamesAsync());

        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));
        var item = await StateAsync(services, screened.ItemId);
        Assert.Equal((Outcome.Approved, false), (item.Outcome, item.Screening));
        Assert.Equal(["newsletter", "website"], item.Channels);
        Assert.Equal([Name], await storage.Approved.NamesAsync());
    }

    [Fact]
    public async Task A_detector_that_cannot_run_fails_the_scan_and_the_photo_stays_in_screening_unpublished()
    {
        // The real detector, its model not where it is configured.
        var missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}", "blazeface.onnx");
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage, settings: new Dictionary<string, string?> { [$"{FaceDetectionOptions.Section}:ModelPath"] = missing });
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync(Name, "xmp-dc-subject.jpg");
        var screened = await services.GetRequiredService<UploadScreening>().ScreenAsync(Name, CancellationToken.None);
        Assert.True(screened!.AwaitsFaces);

        var errors = new List<Exception>();
        var (handled, failed) = await Pipelines.RunImagingAsync(services, storage, errors.Add);

        Assert.Equal((0, 1), (handled, failed));
        Assert.IsType<FaceModelMissingException>(Assert.Single(errors));
        var item = await StateAsync(services, screened.ItemId);
        Assert.True(item.AwaitsFaces);
        Assert.Equal(Outcome.Quarantined, item.Outcome);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Empty(await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None));
        Assert.True(Assert.Single((await storage.RedactQueue.PeekMessagesAsync(32)).Value).DequeueCount >= 1); // left for its retries
    }

    [Fact]
    public async Task A_photo_approved_before_faces_were_looked_for_is_taken_down_by_a_re_screen_until_its_scan_ran()
    {
        var faces = new ScriptedFaces(Tagged);
        var (storage, services) = await StartAsync(faces);
        await using var _s = services;
        await storage.Uploads.UploadAsync(Name, Photo());
        var approved = await Pipelines.ScreenAsync(services, storage, Name);
        Assert.Equal(Outcome.Approved, approved!.Outcome);

        // As a row written before face detection existed: no faces, no face count.
        var catalog = services.GetRequiredService<ItemCatalog>();
        var read = (await catalog.GetAsync(School, approved.ItemId, CancellationToken.None))!;
        Assert.NotNull(await catalog.UpdateAsync(read.State with { Faces = null, FaceCheck = null }, read.ETag, CancellationToken.None));
        Assert.Equal([Name], await storage.Approved.NamesAsync());

        await services.GetRequiredService<ItemRescreening>().RescreenAsync(new RescreenRequest(School, "LL-1001", RescreenRequest.ConsentChange), CancellationToken.None);

        var waiting = await StateAsync(services, approved.ItemId);
        Assert.True(waiting.AwaitsFaces);
        Assert.Empty(await storage.Approved.NamesAsync());
        Assert.Equal([Name], await storage.Quarantine.NamesAsync()); // the original stays
        var asked = RedactionPublishing.Parse(Assert.Single((await storage.RedactQueue.PeekMessagesAsync(32)).Value).MessageText);
        Assert.True(asked.Faces);

        Assert.Equal(1, await Pipelines.DrainImagingAsync(services, storage));
        var item = await StateAsync(services, approved.ItemId);
        Assert.Equal((Outcome.Approved, false), (item.Outcome, item.Screening));
        Assert.Equal(1, item.FaceCheck!.Detected);
        Assert.Equal([Name], await storage.Approved.NamesAsync());
        Assert.Equal(2, faces.Scans);
        var trail = await catalog.TrailAsync(School, item.ItemId, CancellationToken.None);
        Assert.Equal([FaceScanning.Trigger, FaceScanning.Trigger], trail.Select(d => d.Trigger));
    }

    [Theory]
    [InlineData("de-wilg/sportdag/film.mp4", "mp4-uuid-xmp.mp4")]
    [InlineData("de-wilg/sportdag/foto.heic", "heic-xmp.heic")]
    public async Task Media_the_detector_does_not_look_at_are_decided_by_their_tags_alone(string name, string fixture)
    {
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage); // the real detector
        await Pipelines.ImportPeopleAsync(services);
        await storage.Uploads.UploadFixtureAsync(name, fixture);

        var item = await services.GetRequiredService<UploadScreening>().ScreenAsync(name, CancellationToken.None);

        Assert.False(item!.Screening);
        Assert.Equal(Outcome.Approved, item.Outcome);
        Assert.Empty(item.Reasons);
        Assert.Null(item.Faces);
        Assert.Null(item.FaceCheck);
        Assert.Empty((await storage.RedactQueue.PeekMessagesAsync(32)).Value); // no scan asked for
        Assert.Equal([name], await storage.Approved.NamesAsync());
        var decision = Assert.Single(await services.GetRequiredService<ItemCatalog>().TrailAsync(School, item.ItemId, CancellationToken.None));
        Assert.Equal((UploadScreening.Trigger, Outcome.Approved), (decision.Trigger, decision.Decision.Outcome));
        Assert.Null(decision.Decision.Faces);
    }

    [SkippableFact]
    public async Task A_real_photo_of_a_consenting_pupil_beside_an_untagged_person_is_published_with_her_face_pixelated()
    {
        var photo = Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "metadata-extractor-dotnet issue 51.jpg");
        Skip.IfNot(File.Exists(photo), $"{photo} is absent from the corpus; test skipped.");
        RequireModel();
        var storage = await azurite.NewStorageAsync();
        await using var services = Pipelines.Create(storage); // the real detector
        await Pipelines.ImportPeopleAsync(services);
        // Its Windows Photo Gallery region names "Bill Murray": he is the register's LL-0001, consenting.
        await services.GetRequiredService<ConsentChanges>().ImportAsync([Records.Valid(School, "LL-0001", "Bill Murray")], "test", CancellationToken.None);
        await storage.Uploads.UploadAsync("de-wilg/people/murray.jpg", await File.ReadAllBytesAsync(photo));

        var item = await Pipelines.ScreenAsync(services, storage, "de-wilg/people/murray.jpg");

        Assert.Equal(Outcome.Redacted, item!.Outcome);
        Assert.Equal(["LL-0001"], item.Subjects);
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], item.Reasons);
        Assert.True(item.FaceCheck!.Detected >= 2, $"{item.FaceCheck.Detected} faces detected");
        Assert.Equal(1, item.FaceCheck.Unidentified);
        var box = Assert.Single(item.FaceCheck.Unaccounted);
        Assert.True(box.Left < 0.15, $"the unaccounted face is at {box} (the woman at the left edge)");
        Assert.Equal([box], item.Redactions);
        Assert.False(item.RedactionPending);
        Assert.Equal(["de-wilg/people/murray.jpg"], await storage.Approved.NamesAsync());
    }

    /// <summary>The face model in the test's output (copied by the build after <c>npm ci</c>): skipped without it, except on CI.</summary>
    private static void RequireModel()
    {
        var path = Path.Combine(AppContext.BaseDirectory, FaceDetector.DefaultModelPath);
        if (!File.Exists(path))
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), $"The face model is not at {path}; CI installs it.");
            Skip.If(true, $"The face model is not at {path}: run `npm ci` in the repository, then build again. Test skipped.");
        }
    }

    private async Task<(MediaStorage Storage, ServiceProvider Services)> StartAsync(
        ScriptedFaces faces, IDictionary<string, string?>? settings = null, FaultInjection? fault = null)
    {
        var storage = await azurite.NewStorageAsync(fault);
        var services = Pipelines.Create(storage, settings: settings, configure: s => s.AddSingleton<IFaceDetector>(faces));
        await Pipelines.ImportPeopleAsync(services);
        await EndState.FinishAsync(services, storage); // the import's re-screens: nothing to do yet
        return (storage, services);
    }

    /// <summary>Counts every copy written to <c>approved</c> from now on (nothing is failed).</summary>
    private static Func<int> WatchApproved(FaultInjection fault, MediaStorage storage)
    {
        var written = 0;
        fault.FailWhen(r =>
        {
            if (r.Method == RequestMethod.Put && MoveSteps.To(r, storage.Approved.Name) && !r.Uri.Query.Contains("comp=", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref written);
            }

            return false;
        });
        return () => Volatile.Read(ref written);
    }

    /// <summary>Uploads <see cref="Photo"/> as <see cref="Name"/> and screens it; the item as screening left it.</summary>
    private static async Task<ItemState> ScreenPhotoAsync(ServiceProvider services, MediaStorage storage)
    {
        await storage.Uploads.UploadAsync(Name, Photo());
        return (await services.GetRequiredService<UploadScreening>().ScreenAsync(Name, CancellationToken.None))!;
    }

    private static async Task<ItemState> StateAsync(ServiceProvider services, string itemId) =>
        (await services.GetRequiredService<ItemCatalog>().GetAsync(School, itemId, CancellationToken.None))!.State;

    /// <summary>A noisy 960 × 720 photo (detail for a pixelation to destroy) with LL-1001's tagged face region.</summary>
    private static byte[] Photo() => PreviewPublishingTests.Photo(Width, Height, PreviewPublishingTests.Faces(Width, Height, ("LL-1001", 0.3)));

    /// <summary>The pixels well inside a box (clear of the edges a pixelation's blocks may spill over).</summary>
    private static Rectangle Inside(FaceRegion box)
    {
        var (left, top) = ((int)(box.Left * Width) + 8, (int)(box.Top * Height) + 8);
        return new Rectangle(left, top, (int)(box.Width * Width) - 16, (int)(box.Height * Height) - 16);
    }

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

    /// <summary>The mean difference between horizontally neighbouring pixels: fine detail, near zero inside the blocks of a pixelation.</summary>
    private static double Detail(Image<Rgb24> image, Rectangle area)
    {
        double sum = 0;
        for (var y = area.Top; y < area.Bottom; y++)
        {
            for (var x = area.Left + 1; x < area.Right; x++)
            {
                var (a, b) = (image[x - 1, y], image[x, y]);
                sum += Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);
            }
        }

        return sum / (3.0 * (area.Width - 1) * area.Height);
    }

    /// <summary>
    /// Stands for the pixels: finds the scripted boxes in every JPEG or PNG it is given (after decoding it, so it is
    /// given the original), and counts its scans. <see cref="During"/> runs once, inside a scan.
    /// </summary>
    private sealed class ScriptedFaces(params FaceRegion[] faces) : IFaceDetector
    {
        private int _scans;
        private Func<Task>? _during;

        public int Scans => Volatile.Read(ref _scans);

        public Func<Task>? During
        {
            set => Volatile.Write(ref _during, value);
        }

        public bool CanDetect(MediaFormat format) => format is MediaFormat.Jpeg or MediaFormat.Png;

        public async Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _scans);
            using (await Image.LoadAsync<Rgb24>(source, cancellationToken))
            {
            }

            if (Interlocked.Exchange(ref _during, null) is { } during)
            {
                await during();
            }

            return FaceScan.Found(faces);
        }
    }
}
