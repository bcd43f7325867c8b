using SixLabors.ImageSharp;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// The decoding of the BlazeFace "back camera" model's outputs (MediaPipe's <c>face_detection_back</c>: SSD anchors
/// and <c>TensorsToDetectionsCalculator</c>), written here because no .NET library carries it: 896 anchors, 512 of a
/// 16×16 grid (stride 16) with 2 anchors per cell and 384 of an 8×8 grid (strides 32, three layers merged) with 6 per
/// cell, every anchor a unit square at its cell's centre (<c>fixed_anchor_size</c>); a score is the sigmoid of the
/// raw score; a box is 16 numbers, centre offset x, y and size w, h in input pixels (x/y/w/h scale 256), then six
/// keypoints (ignored). Coordinates here are of the 256×256 input, in [0, 1] (origin top left).
/// </summary>
internal static class BlazeFace
{
    /// <summary>Width and height of the model's input.</summary>
    public const int InputSize = 256;

    /// <summary>Numbers per anchor in the box outputs: the box's four, then six keypoints of two.</summary>
    public const int CoordinatesPerAnchor = 16;

    /// <summary>MediaPipe's raw scores are clipped to ±100 before the sigmoid.</summary>
    private const float ScoreClip = 100f;

    /// <summary>The two output layers: cells per row and anchors per cell.</summary>
    public static readonly (int Cells, int AnchorsPerCell)[] Layers = [(16, 2), (8, 6)];

    /// <summary>The anchors' centres in [0, 1], in the order of the outputs (row by row, the anchors of a cell together), per layer.</summary>
    public static PointF[] Anchors(int cells, int anchorsPerCell)
    {
        var anchors = new PointF[cells * cells * anchorsPerCell];
        var i = 0;
        for (var y = 0; y < cells; y++)
        {
            for (var x = 0; x < cells; x++)
            {
                for (var a = 0; a < anchorsPerCell; a++)
                {
                    anchors[i++] = new PointF((x + 0.5f) / cells, (y + 0.5f) / cells);
                }
            }
        }

        return anchors;
    }

    public static float Sigmoid(float raw)
    {
        var clipped = Math.Clamp(raw, -ScoreClip, ScoreClip);
        return 1f / (1f + MathF.Exp(-clipped));
    }

    /// <summary>
    /// The detections of one output layer with a score of at least <paramref name="minScore"/>: boxes in [0, 1] of
    /// the input (not clipped), with their scores.
    /// </summary>
    public static void Decode(
        ReadOnlySpan<float> rawScores,
        ReadOnlySpan<float> rawBoxes,
        ReadOnlySpan<PointF> anchors,
        float minScore,
        List<DetectedFace> into)
    {
        if (rawScores.Length != anchors.Length || rawBoxes.Length != anchors.Length * CoordinatesPerAnchor)
        {
            throw new ArgumentException(
                $"{rawScores.Length} scores and {rawBoxes.Length} box numbers do not fit {anchors.Length} anchors");
        }

        for (var i = 0; i < anchors.Length; i++)
        {
            var score = Sigmoid(rawScores[i]);
            if (!(score >= minScore))
            {
                continue;
            }

            var box = rawBoxes.Slice(i * CoordinatesPerAnchor, 4);
            var centreX = anchors[i].X + (box[0] / InputSize);
            var centreY = anchors[i].Y + (box[1] / InputSize);
            var width = box[2] / InputSize;
            var height = box[3] / InputSize;
            if (!(width > 0 && height > 0) || !float.IsFinite(centreX) || !float.IsFinite(centreY))
            {
                continue;
            }

            into.Add(new DetectedFace(new RectangleF(centreX - (width / 2), centreY - (height / 2), width, height), score));
        }
    }

    /// <summary>Intersection over union of two boxes; 0 when either is empty.</summary>
    public static float IntersectionOverUnion(RectangleF a, RectangleF b)
    {
        var inner = RectangleF.Intersect(a, b);
        if (inner.Width <= 0 || inner.Height <= 0)
        {
            return 0f;
        }

        var intersection = inner.Width * inner.Height;
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union > 0 ? intersection / union : 0f;
    }

    /// <summary>
    /// Greedy non-maximum suppression: best score first, every box that overlaps a kept one by more than
    /// <paramref name="maxOverlap"/> (intersection over union), or lies mostly (more than half of its area)
    /// inside a kept one, is dropped. The second rule catches a face cut by a tile's edge, whose partial box
    /// overlaps the whole face's box by little.
    /// </summary>
    public static List<DetectedFace> Suppress(IEnumerable<DetectedFace> detections, float maxOverlap)
    {
        var kept = new List<DetectedFace>();
        foreach (var candidate in detections.OrderByDescending(d => d.Score))
        {
            var suppressed = false;
            foreach (var face in kept)
            {
                if (IntersectionOverUnion(candidate.Box, face.Box) > maxOverlap || Contained(candidate.Box, face.Box) > 0.5f)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }

    /// <summary>The share of <paramref name="inner"/>'s area that lies inside <paramref name="outer"/>.</summary>
    private static float Contained(RectangleF inner, RectangleF outer)
    {
        var overlap = RectangleF.Intersect(inner, outer);
        var area = inner.Width * inner.Height;
        return overlap.Width <= 0 || overlap.Height <= 0 || area <= 0 ? 0f : overlap.Width * overlap.Height / area;
    }
}
