namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// One model run: the image scaled by about <see cref="Scale"/> to <see cref="Width"/>×<see cref="Height"/>, and
/// the 256×256 window of it at (<see cref="X"/>, <see cref="Y"/>); detections larger than
/// <see cref="LargestFace"/> pixels of the input are another level's.
/// </summary>
internal readonly record struct Tile(int Level, float Scale, int X, int Y, float LargestFace, int Width, int Height);

/// <summary>
/// Where the detector runs the model on an image (a pyramid of overlapping tiles), so small faces in large photos
/// are found: BlazeFace finds a face from about 10 pixels of its 256-pixel input (measured on the corpus's faces
/// scaled down: 12 pixels found every time, 10 nearly so), and the tiles are laid out for <see cref="SmallestFaceInInput"/>.
/// </summary>
/// <remarks>
/// Level 0 scales the image so that the smallest face looked for (<see cref="FaceDetectionOptions.MinFaceSize"/>)
/// is <see cref="SmallestFaceInInput"/> pixels, never enlarging it; each next level halves it, so a face that is too
/// large for one level's tiles is at least the smallest on the next one's; the last level is the whole image
/// fitted into one 256 input. A level but the last keeps faces of up to <see cref="LargestFaceInInput"/> pixels
/// (a coarse level of at most <see cref="SmallLevel"/> pixels, up to <see cref="LargestFaceInSmallLevel"/>),
/// and its tiles overlap by as much, so every such face lies wholly within some tile. Each level's last tile of a row or column ends at the image's edge.
/// A 4000×3000 photo with the default 24-pixel faces takes 9×7 + 5×4 + 3×2 + 1 = 90 runs.
/// </remarks>
internal static class TilePlan
{
    /// <summary>The smallest face, in pixels of the 256 input, the tiles are laid out for.</summary>
    public const float SmallestFaceInInput = 12f;

    /// <summary>
    /// The largest face, in pixels of the 256 input, a level but the last keeps: faces of twice
    /// <see cref="SmallestFaceInInput"/> and more are at least the smallest on the next level, which finds them
    /// whole; the rest is a margin for the model's box sizes, so a face near the limit is kept by one level or both
    /// (and merged). Keeping more would cost overlap (the first level has most of the tiles by far) and bring the
    /// model's detections of large boxes in magnified tiles, mostly parts of faces and textures (on the corpus,
    /// keeping up to 64 on the levels after the first found no face more and a tenth more patches).
    /// </summary>
    public const float LargestFaceInInput = 32f;

    /// <summary>
    /// The largest face, in pixels of the 256 input, a level of at most <see cref="SmallLevel"/> pixels keeps (its
    /// tiles overlap by as much). The model sees a turned or half-hidden face well only when it is about 60–120
    /// pixels of its input: in a picture of a few people, such a face is that large only on a coarse level, and the
    /// whole picture fitted into one input makes it too small (the second, untagged person beside Bill Murray in the
    /// corpus's metadata-extractor-dotnet issue 51 photo is found only so). Coarse levels have few tiles, so this
    /// costs a few runs.
    /// </summary>
    public const float LargestFaceInSmallLevel = 128f;

    /// <summary>A level whose longer side is at most this many pixels keeps faces up to <see cref="LargestFaceInSmallLevel"/>.</summary>
    public const int SmallLevel = 768;

    /// <summary>
    /// The distance between neighbouring tiles of a level, in pixels of that level's scaled image: they overlap by
    /// <see cref="LargestFaceInInput"/>, so every face a level keeps lies wholly within one of its tiles.
    /// </summary>
    public const int Step = BlazeFace.InputSize - (int)LargestFaceInInput;

    /// <summary>The largest face a level of this size keeps.</summary>
    public static float LargestFaceOn(int scaledWidth, int scaledHeight) =>
        Math.Max(scaledWidth, scaledHeight) <= SmallLevel ? LargestFaceInSmallLevel : LargestFaceInInput;

    public static List<Tile> For(int width, int height, int minFaceSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFaceSize, 1);
        var tiles = new List<Tile>();
        var scale = Math.Min(1f, SmallestFaceInInput / minFaceSize);
        var whole = (float)BlazeFace.InputSize / Math.Max(width, height);
        var level = 0;
        var (scaledWidth, scaledHeight) = (Scaled(width, scale), Scaled(height, scale));
        while (scale > whole)
        {
            var largest = LargestFaceOn(scaledWidth, scaledHeight);
            var step = BlazeFace.InputSize - (int)largest;
            foreach (var y in Starts(scaledHeight, step))
            {
                foreach (var x in Starts(scaledWidth, step))
                {
                    tiles.Add(new Tile(level, scale, x, y, largest, scaledWidth, scaledHeight));
                }
            }

            level++;
            scale /= 2;
            (scaledWidth, scaledHeight) = (Halved(scaledWidth), Halved(scaledHeight));
        }

        tiles.Add(new Tile(level, Math.Min(1f, whole), 0, 0, BlazeFace.InputSize, Scaled(width, Math.Min(1f, whole)), Scaled(height, Math.Min(1f, whole))));
        return tiles;
    }

    /// <summary>A side's length at a level's scale, at least one pixel.</summary>
    public static int Scaled(int length, float scale) => Math.Max(1, (int)MathF.Round(length * scale));

    /// <summary>A side's length on the next level: half, an odd pixel's half rounded up (<see cref="Halving"/>).</summary>
    public static int Halved(int length) => (length + 1) / 2;

    private static IEnumerable<int> Starts(int length, int step)
    {
        var last = Math.Max(0, length - BlazeFace.InputSize);
        for (var start = 0; start < last; start += step)
        {
            yield return start;
        }

        yield return last;
    }
}
