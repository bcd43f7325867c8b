using System.Globalization;
using Kalisto.MediaGate.Imaging.Faces;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

/// <summary>The decoding of a real run's outputs, recorded in Data/Faces (the model is not needed).</summary>
public sealed class RecordedOutputTests
{
    [Fact]
    public void The_recorded_run_of_the_lightroom_png_decodes_to_its_two_tagged_faces()
    {
        var faces = Decode("issue-356-whole-image.blazeface.txt", minScore: 0.5f);

        // The image filled 174 of the 256 columns; its face regions (MWG, as the tag reader gives them).
        (double Left, double Top, double Width, double Height)[] tagged = [(0.530175, 0.18066, 0.34339, 0.2334), (0.24282, 0.37207, 0.2931, 0.19922)];
        Assert.Equal(2, faces.Count);
        foreach (var region in tagged)
        {
            Assert.Single(faces, face =>
            {
                var x = (face.Box.X + (face.Box.Width / 2)) * 256 / 174;
                var y = face.Box.Y + (face.Box.Height / 2);
                return x >= region.Left && x <= region.Left + region.Width && y >= region.Top && y <= region.Top + region.Height;
            });
        }
    }

    [Fact]
    public void Without_suppression_the_recorded_run_has_many_boxes_per_face()
    {
        Assert.True(Decode("issue-356-whole-image.blazeface.txt", minScore: 0.5f, suppress: false).Count >= 6);
        Assert.Empty(Decode("issue-356-whole-image.blazeface.txt", minScore: 0.95f));
    }

    private static List<DetectedFace> Decode(string name, float minScore, bool suppress = true)
    {
        var scores = BlazeFace.Layers.Select(l => Enumerable.Repeat(-20f, l.Cells * l.Cells * l.AnchorsPerCell).ToArray()).ToArray();
        var boxes = scores.Select(s => new float[s.Length * BlazeFace.CoordinatesPerAnchor]).ToArray();
        foreach (var line in File.ReadLines(TestData.File(Path.Combine("Faces", name))).Where(l => !l.StartsWith('#')))
        {
            var fields = line.Split(' ');
            var layer = int.Parse(fields[0], CultureInfo.InvariantCulture);
            var anchor = int.Parse(fields[1], CultureInfo.InvariantCulture);
            scores[layer][anchor] = float.Parse(fields[2], CultureInfo.InvariantCulture);
            for (var i = 0; i < 4; i++)
            {
                boxes[layer][(anchor * BlazeFace.CoordinatesPerAnchor) + i] = float.Parse(fields[3 + i], CultureInfo.InvariantCulture);
            }
        }

        var found = new List<DetectedFace>();
        for (var layer = 0; layer < BlazeFace.Layers.Length; layer++)
        {
            var (cells, perCell) = BlazeFace.Layers[layer];
            BlazeFace.Decode(scores[layer], boxes[layer], BlazeFace.Anchors(cells, perCell), minScore, found);
        }

        return suppress ? BlazeFace.Suppress(found, FaceDetector.MaxOverlap) : found;
    }
}
