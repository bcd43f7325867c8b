using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

/// <summary>Core's face detection port on the detector: boxes relative to the displayed image, failures as reason codes.</summary>
public sealed class FaceScannerTests
{
    [SkippableFact]
    public async Task Boxes_are_the_detectors_relative_to_the_upright_image()
    {
        using var detector = FaceModel.Require();
        var path = Path.Combine(TestData.RequireCorpus(), "voorbeeld", "people", "metadata-extractor-dotnet issue 51.jpg");
        var size = Image.Identify(path).Size();
        IReadOnlyList<DetectedFace> inPixels;
        await using (var file = File.OpenRead(path))
        {
            inPixels = await detector.DetectAsync(file, MediaFormat.Jpeg, default);
        }

        await using var again = File.OpenRead(path);
        var scan = await new FaceScanner(detector).DetectAsync(again, MediaFormat.Jpeg, default);

        Assert.True(scan.Succeeded);
        Assert.Equal(inPixels.Count, scan.Faces.Count);
        Assert.NotEmpty(scan.Faces);
        foreach (var (face, region) in inPixels.Zip(scan.Faces))
        {
            Assert.Equal(face.Box.X / size.Width, region.Left, 4);
            Assert.Equal(face.Box.Y / size.Height, region.Top, 4);
            Assert.Equal(face.Box.Width / size.Width, region.Width, 4);
            Assert.Equal(face.Box.Height / size.Height, region.Height, 4);
            Assert.InRange(region.Left + region.Width, 0, 1);
            Assert.InRange(region.Top + region.Height, 0, 1);
        }
    }

    [SkippableFact]
    public async Task An_image_that_cannot_be_looked_at_is_a_failed_scan_with_its_reason()
    {
        using var model = FaceModel.Require();
        using var detector = new FaceDetector(Options.Create(new FaceDetectionOptions()), Options.Create(new ImagingOptions { MaxPixels = 1000 }));
        var scanner = new FaceScanner(detector);
        using var image = new Image<Rgb24>(100, 100);
        await using var png = new MemoryStream();
        await image.SaveAsPngAsync(png);
        png.Position = 0;
        await using var broken = new MemoryStream([0xFF, 0xD8, 0xFF, 0xD9]);

        Assert.Equal(ReasonCode.TooLarge, (await scanner.DetectAsync(png, MediaFormat.Png, default)).Failure);
        Assert.Equal(ReasonCode.Unreadable, (await scanner.DetectAsync(broken, MediaFormat.Jpeg, default)).Failure);
    }

    [Fact]
    public async Task Heif_and_video_are_not_looked_at_and_a_missing_model_is_never_no_faces()
    {
        using var detector = new FaceDetector(
            Options.Create(new FaceDetectionOptions { ModelPath = "/nonexistent/blazeface.onnx" }), Options.Create(new ImagingOptions()));
        var scanner = new FaceScanner(detector);
        await using var jpeg = new MemoryStream();
        using (var image = new Image<Rgb24>(64, 64))
        {
            await image.SaveAsJpegAsync(jpeg);
        }

        jpeg.Position = 0;

        Assert.False(scanner.CanDetect(MediaFormat.Heif));
        Assert.False(scanner.CanDetect(MediaFormat.IsoMedia));
        Assert.True(scanner.CanDetect(MediaFormat.Jpeg));
        Assert.Equal(ReasonCode.UnsupportedType, (await scanner.DetectAsync(new MemoryStream(new byte[16]), MediaFormat.Heif, default)).Failure);
        await Assert.ThrowsAsync<FaceModelMissingException>(() => scanner.DetectAsync(jpeg, MediaFormat.Jpeg, default));
    }
}
