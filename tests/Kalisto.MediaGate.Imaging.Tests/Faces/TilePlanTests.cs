using Kalisto.MediaGate.Imaging.Faces;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

public sealed class TilePlanTests
{
    [Fact]
    public void A_12_megapixel_photo_takes_a_bounded_number_of_runs()
    {
        var tiles = TilePlan.For(4000, 3000, 20);

        // Levels at 0.8, 0.4, 0.2, 0.1 of the size (3200×2400, 1600×1200, 800×600, 400×300), then the whole photo.
        Assert.Equal([0.8f, 0.4f, 0.2f, 0.1f, 0.064f], tiles.Select(t => t.Scale).Distinct());
        Assert.Equal((17 * 13) + (8 * 6) + (4 * 3) + (2 * 2) + 1, tiles.Count);
        Assert.Equal(tiles.Count, new FaceDetector().RunsFor(4000, 3000));
    }

    [Theory]
    [InlineData(4000, 3000, 20)]
    [InlineData(3000, 4000, 24)]
    [InlineData(1280, 853, 20)]
    [InlineData(300, 7000, 40)]
    public void The_tiles_of_a_level_cover_its_image_and_overlap_by_the_largest_face_it_keeps(int width, int height, int minFace)
    {
        foreach (var level in TilePlan.For(width, height, minFace).GroupBy(t => t.Level).SkipLast(1))
        {
            var scaledWidth = TilePlan.Scaled(width, level.First().Scale);
            var scaledHeight = TilePlan.Scaled(height, level.First().Scale);
            AssertCovered(level.Select(t => t.X).Distinct().Order().ToList(), scaledWidth);
            AssertCovered(level.Select(t => t.Y).Distinct().Order().ToList(), scaledHeight);
            Assert.All(level, t => Assert.Equal(TilePlan.LargestFaceInInput, t.LargestFace));
        }
    }

    [Fact]
    public void The_smallest_face_looked_for_is_16_input_pixels_and_images_are_never_enlarged()
    {
        Assert.Equal(0.5f, TilePlan.For(4000, 3000, 32)[0].Scale);
        Assert.Equal(1f, TilePlan.For(4000, 3000, 10)[0].Scale);
    }

    [Fact]
    public void A_small_image_is_one_run_that_keeps_every_size()
    {
        var tile = Assert.Single(TilePlan.For(256, 200, 20));

        Assert.Equal(new Tile(0, 1f, 0, 0, 256f), tile);
    }

    private static void AssertCovered(List<int> starts, int length)
    {
        Assert.Equal(0, starts[0]);
        Assert.Equal(Math.Max(0, length - 256), starts[^1]);
        for (var i = 1; i < starts.Count; i++)
        {
            // Neighbours overlap by at least the largest face a level keeps.
            Assert.InRange(starts[i] - starts[i - 1], 1, 256 - (int)TilePlan.LargestFaceInInput);
        }
    }
}
