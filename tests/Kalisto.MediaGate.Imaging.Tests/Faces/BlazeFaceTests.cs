using Kalisto.MediaGate.Imaging.Faces;
using SixLabors.ImageSharp;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

/// <summary>The decoding of the model's outputs, without the model.</summary>
public sealed class BlazeFaceTests
{
    [Fact]
    public void Anchors_are_the_896_of_the_model_in_its_output_order()
    {
        var fine = BlazeFace.Anchors(16, 2);
        var coarse = BlazeFace.Anchors(8, 6);

        Assert.Equal(512, fine.Length);
        Assert.Equal(384, coarse.Length);
        Assert.Equal([(16, 2), (8, 6)], BlazeFace.Layers);

        // Row by row, the anchors of one cell together, each at its cell's centre.
        Assert.Equal(new PointF(0.5f / 16, 0.5f / 16), fine[0]);
        Assert.Equal(fine[0], fine[1]);
        Assert.Equal(new PointF(1.5f / 16, 0.5f / 16), fine[2]);
        Assert.Equal(new PointF(0.5f / 16, 1.5f / 16), fine[32]);
        Assert.Equal(new PointF(15.5f / 16, 15.5f / 16), fine[511]);
        Assert.All(coarse[..6], a => Assert.Equal(new PointF(0.5f / 8, 0.5f / 8), a));
        Assert.Equal(new PointF(1.5f / 8, 0.5f / 8), coarse[6]);
        Assert.Equal(new PointF(7.5f / 8, 7.5f / 8), coarse[383]);
    }

    [Fact]
    public void Scores_are_the_sigmoid_of_the_raw_scores_clipped()
    {
        Assert.Equal(0.5f, BlazeFace.Sigmoid(0f));
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), BlazeFace.Sigmoid(2f), 6);
        Assert.Equal(BlazeFace.Sigmoid(100f), BlazeFace.Sigmoid(float.PositiveInfinity));
        Assert.Equal(BlazeFace.Sigmoid(-100f), BlazeFace.Sigmoid(-1e30f));
        Assert.True(BlazeFace.Sigmoid(-100f) < 1e-40);
    }

    [Fact]
    public void A_box_is_the_anchors_centre_moved_by_the_offset_with_the_size_in_input_pixels()
    {
        var anchors = BlazeFace.Anchors(16, 2);
        var (scores, boxes) = Outputs(anchors.Length);
        // Cell (3, 5), its second anchor: centre (3.5/16, 5.5/16) = (56, 88) input pixels.
        var index = ((5 * 16) + 3) * 2 + 1;
        scores[index] = 3f;
        boxes[(index * 16) + 0] = 16f;
        boxes[(index * 16) + 1] = -8f;
        boxes[(index * 16) + 2] = 64f;
        boxes[(index * 16) + 3] = 32f;
        // Keypoints (ignored).
        boxes[(index * 16) + 4] = 1000f;

        var found = new List<DetectedFace>();
        BlazeFace.Decode(scores, boxes, anchors, 0.5f, found);

        var face = Assert.Single(found);
        Assert.Equal(BlazeFace.Sigmoid(3f), face.Score);
        AssertBox(new RectangleF((56f + 16f - 32f) / 256, (88f - 8f - 16f) / 256, 64f / 256, 32f / 256), face.Box);
    }

    [Fact]
    public void Detections_below_the_threshold_or_without_area_are_dropped()
    {
        var anchors = BlazeFace.Anchors(8, 6);
        var (scores, boxes) = Outputs(anchors.Length);
        scores[10] = 0.3f; // sigmoid 0.574
        boxes[(10 * 16) + 2] = 20f;
        boxes[(10 * 16) + 3] = 20f;
        scores[11] = 5f; // no size
        scores[12] = float.NaN;
        boxes[(12 * 16) + 2] = 20f;
        boxes[(12 * 16) + 3] = 20f;

        var at050 = new List<DetectedFace>();
        BlazeFace.Decode(scores, boxes, anchors, 0.5f, at050);
        var at060 = new List<DetectedFace>();
        BlazeFace.Decode(scores, boxes, anchors, 0.6f, at060);

        Assert.Single(at050);
        Assert.Empty(at060);
    }

    [Fact]
    public void Outputs_that_do_not_fit_the_anchors_are_refused()
    {
        var anchors = BlazeFace.Anchors(16, 2);
        var found = new List<DetectedFace>();

        Assert.Throws<ArgumentException>(() => BlazeFace.Decode(new float[384], new float[512 * 16], anchors, 0.5f, found));
        Assert.Throws<ArgumentException>(() => BlazeFace.Decode(new float[512], new float[512 * 4], anchors, 0.5f, found));
    }

    [Fact]
    public void Intersection_over_union_of_boxes()
    {
        var a = new RectangleF(0, 0, 10, 10);

        Assert.Equal(1f, BlazeFace.IntersectionOverUnion(a, a));
        Assert.Equal(50f / 150f, BlazeFace.IntersectionOverUnion(a, new RectangleF(5, 0, 10, 10)), 6);
        Assert.Equal(0f, BlazeFace.IntersectionOverUnion(a, new RectangleF(10, 0, 10, 10)));
        Assert.Equal(0f, BlazeFace.IntersectionOverUnion(a, new RectangleF(3, 3, 0, 0)));
    }

    [Fact]
    public void Suppression_keeps_the_best_of_each_face()
    {
        var best = new DetectedFace(new RectangleF(100, 100, 50, 50), 0.9f);
        var sameFace = new DetectedFace(new RectangleF(110, 105, 50, 50), 0.7f); // IoU 0.47
        var neighbour = new DetectedFace(new RectangleF(140, 100, 50, 50), 0.8f); // IoU 0.11 with the best
        var partOfBest = new DetectedFace(new RectangleF(100, 120, 20, 40), 0.95f - 0.4f); // wholly inside the best
        var elsewhere = new DetectedFace(new RectangleF(400, 10, 30, 30), 0.6f);

        var kept = BlazeFace.Suppress([sameFace, partOfBest, elsewhere, neighbour, best], FaceDetector.MaxOverlap);

        Assert.Equal([best, neighbour, elsewhere], kept);
    }

    [Fact]
    public void Suppression_of_nothing_is_nothing()
    {
        Assert.Empty(BlazeFace.Suppress([], FaceDetector.MaxOverlap));
    }

    private static (float[] Scores, float[] Boxes) Outputs(int anchors)
    {
        var scores = new float[anchors];
        Array.Fill(scores, -20f);
        return (scores, new float[anchors * 16]);
    }

    private static void AssertBox(RectangleF expected, RectangleF actual)
    {
        Assert.Equal(expected.X, actual.X, 5);
        Assert.Equal(expected.Y, actual.Y, 5);
        Assert.Equal(expected.Width, actual.Width, 5);
        Assert.Equal(expected.Height, actual.Height, 5);
    }
}
