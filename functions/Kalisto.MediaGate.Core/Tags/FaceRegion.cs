namespace Kalisto.MediaGate.Tags;

/// <summary>
/// A face rectangle normalised to the displayed image (after EXIF orientation):
/// <see cref="Left"/> and <see cref="Top"/> are the top-left corner, all values in 0..1.
/// </summary>
public sealed record FaceRegion(double Left, double Top, double Width, double Height)
{
    /// <summary>A region from its stored, top-left based rectangle, turned to the displayed image.</summary>
    /// <remarks>
    /// MWG and Microsoft regions are written relative to the image as stored (the pixel rows in
    /// the file), which is how Lightroom, digiKam and Windows Photo Gallery write them; a viewer
    /// that honours EXIF orientation shows those pixels turned. Values are clamped to 0..1.
    /// </remarks>
    public static FaceRegion FromStored(double left, double top, double width, double height, int orientation)
    {
        left = Clamp(left);
        top = Clamp(top);
        width = Math.Min(Clamp(width), 1 - left);
        height = Math.Min(Clamp(height), 1 - top);
        var right = left + width;
        var bottom = top + height;
        return orientation switch
        {
            2 => new FaceRegion(1 - right, top, width, height), // mirrored horizontally
            3 => new FaceRegion(1 - right, 1 - bottom, width, height), // turned 180°
            4 => new FaceRegion(left, 1 - bottom, width, height), // mirrored vertically
            5 => new FaceRegion(top, left, height, width), // transposed
            6 => new FaceRegion(1 - bottom, left, height, width), // turned 90° clockwise
            7 => new FaceRegion(1 - bottom, 1 - right, height, width), // transversed
            8 => new FaceRegion(top, 1 - right, height, width), // turned 90° anticlockwise
            _ => new FaceRegion(left, top, width, height),
        };
    }

    /// <summary>The smallest region that covers both this one and <paramref name="other"/>.</summary>
    public FaceRegion Union(FaceRegion other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var left = Math.Min(Left, other.Left);
        var top = Math.Min(Top, other.Top);
        return new FaceRegion(left, top, Math.Max(Left + Width, other.Left + other.Width) - left, Math.Max(Top + Height, other.Top + other.Height) - top);
    }

    private static double Clamp(double value) => double.IsFinite(value) ? Math.Clamp(value, 0, 1) : 0;
}
