using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging.Pixels;
using Kalisto.MediaGate.Tags;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// Core's <see cref="IFaceDetector"/> on the <see cref="FaceDetector"/>: decodes under the redactor's limits (the
/// same formats, pixel count, first frame, EXIF orientation and deadline), detects, and gives the boxes normalised
/// to the displayed image, as face regions are. An image that cannot be looked at is a failed scan with its reason
/// code; a missing model throws (<see cref="FaceModelMissingException"/>), so the step fails and nothing is published.
/// </summary>
public sealed class FaceScanner(FaceDetector detector, IOptions<ImagingOptions> imaging) : IFaceDetector
{
    private readonly ImagingOptions _imaging = imaging.Value;

    public bool CanDetect(MediaFormat format) => LimitedImage.Decodes(format);

    public async Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!CanDetect(format))
        {
            return FaceScan.Failed(Decisions.ReasonCode.UnsupportedType);
        }

        // Before the pixel work, whose failures are the image's: a missing model is the deployment's.
        detector.EnsureModel();
        try
        {
            return await LimitedImage.RunAsync(
                source,
                format,
                _imaging,
                "face detection",
                (input, token) =>
                {
                    using var image = LimitedImage.DecodeFirstFrame<Rgb24, FaceDetectionException>(input, format, _imaging.MaxPixels, Fail, token);
                    var (width, height) = ((double)image.Width, (double)image.Height);
                    return FaceScan.Found(detector.Detect(image, token).Select(face => new FaceRegion(
                        Math.Round(face.Box.X / width, 5),
                        Math.Round(face.Box.Y / height, 5),
                        Math.Round(face.Box.Width / width, 5),
                        Math.Round(face.Box.Height / height, 5))));
                },
                Fail,
                cancellationToken);
        }
        catch (FaceDetectionException e)
        {
            return FaceScan.Failed(e.ReasonCode);
        }
    }

    private static FaceDetectionException Fail(string reasonCode, string message, Exception? cause) => new(reasonCode, message, cause);
}
