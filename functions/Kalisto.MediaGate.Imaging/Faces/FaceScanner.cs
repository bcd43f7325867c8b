using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Imaging.Pixels;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// Core's <see cref="IFaceDetector"/> on the <see cref="FaceDetector"/>: decodes under the redactor's limits (the
/// same formats, pixel count, first frame, EXIF orientation and deadline), detects, and gives the boxes normalised
/// to the displayed image, as face regions are. An image that cannot be looked at is a failed scan with its reason
/// code; a missing model throws (<see cref="FaceModelMissingException"/>), so the step fails and nothing is published.
/// </summary>
public sealed class FaceScanner(FaceDetector detector) : IFaceDetector
{
    public bool CanDetect(MediaFormat format) => LimitedImage.Decodes(format);

    public async Task<FaceScan> DetectAsync(Stream source, MediaFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!CanDetect(format))
        {
            return FaceScan.Failed(Decisions.ReasonCode.UnsupportedType);
        }

        // A missing model is not caught: it is the deployment's failure (FaceModelMissingException), never "no faces".
        try
        {
            return await detector.DetectAsync(
                source,
                format,
                (faces, size) => FaceScan.Found(faces.Select(face => new FaceRegion(
                    Math.Round(face.Box.X / size.Width, 5),
                    Math.Round(face.Box.Y / size.Height, 5),
                    Math.Round(face.Box.Width / size.Width, 5),
                    Math.Round(face.Box.Height / size.Height, 5)))),
                cancellationToken);
        }
        catch (FaceDetectionException e)
        {
            return FaceScan.Failed(e.ReasonCode);
        }
    }
}
