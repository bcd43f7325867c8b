using SixLabors.ImageSharp;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// A face the detector found: its box in pixels of the upright image (origin top left, EXIF orientation
/// applied), clipped to the image, and the model's confidence in [0, 1].
/// </summary>
public sealed record DetectedFace(RectangleF Box, float Score);
