namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// One model run: the image scaled by <see cref="Scale"/>, and the 256×256 window of it at (<see cref="X"/>,
/// <see cref="Y"/>); detections larger than <see cref="LargestFace"/> pixels of the input are another level's.
/// </summary>
internal readonly record struct Tile(int Level, float Scale, int X, int Y, float LargestFace);

/// <summary>
/// Where the detector runs the model on an image (a pyramid of overlapping tiles), so small faces in large photos
/// are found: BlazeFace finds a face from about <see cref="SmallestFaceInInput"/> pixels of its 256-pixel input.
/// </summary>
/// <remarks>
/// Level 0 scales the image so that the smallest face looked for (<see cref="FaceDetectionOptions.MinFaceSize"/>)
/// is <see cref="SmallestFaceInInput"/> pixels, never enlarging it; each next level halves it, so a face that is too
/// large for one level's tiles is small enough for the next one's; the last level is the whole image fitted into
/// one 256 input. A level but the last keeps faces of up to <see cref="LargestFaceInInput"/> pixels, and its tiles
/// overlap by as much, so every such face lies wholly within some tile. Each level's last tile of a row or column ends at the image's edge.
/// A 4000×3000 photo with the default 20-pixel faces takes 17×13 + 8×6 + 4×3 + 2×2 + 1 = 286 runs.
/// </remarks>
internal static class TilePlan
{
    /// <summary>The smallest face, in pixels of the 256 input, the tiles are laid out for.</summary>
    public const float SmallestFaceInInput = 16f;

    /// <summary>
    /// The largest face, in pixels of the 256 input, a level but the last keeps: larger ones are at least twice
    /// <see cref="SmallestFaceInInput"/> on the next level, which finds them whole. The model's detections of
    /// large boxes in magnified tiles are mostly parts of faces and textures (a patterned shirt, an ear).
    /// </summary>
    public const float LargestFaceInInput = 64f;

    /// <summary>
    /// The distance between neighbouring tiles of a level, in pixels of that level's scaled image: they overlap by
    /// <see cref="LargestFaceInInput"/>, so every face a level keeps lies wholly within one of its tiles.
    /// </summary>
    public const int Step = BlazeFace.InputSize - (int)LargestFaceInInput;

    public static List<Tile> For(int width, int height, int minFaceSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFaceSize, 1);
        var tiles = new List<Tile>();
        var scale = Math.Min(1f, SmallestFaceInInput / minFaceSize);
        var whole = (float)BlazeFace.InputSize / Math.Max(width, height);
        var level = 0;
        while (scale > whole)
        {
            var scaledWidth = Scaled(width, scale);
            var scaledHeight = Scaled(height, scale);
            foreach (var y in Starts(scaledHeight))
            {
                foreach (var x in Starts(scaledWidth))
                {
                    tiles.Add(new Tile(level, scale, x, y, LargestFaceInInput));
                }
            }

            level++;
            scale /= 2;
        }

        tiles.Add(new Tile(level, Math.Min(1f, whole), 0, 0, BlazeFace.InputSize));
        return tiles;
    }

    /// <summary>A side's length at a level's scale, at least one pixel.</summary>
    public static int Scaled(int length, float scale) => Math.Max(1, (int)MathF.Round(length * scale));

    private static IEnumerable<int> Starts(int length)
    {
        var last = Math.Max(0, length - BlazeFace.InputSize);
        for (var start = 0; start < last; start += Step)
        {
            yield return start;
        }

        yield return last;
    }
}
