using Kalisto.MediaGate.Imaging.Faces;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

public sealed class TilePlanTests
{
    [Fact]
    public void A_12_megapixel_photo_takes_90_runs_with_the_default_24_pixel_faces()
    {
        var tiles = TilePlan.For(4000, 3000, new FaceDetectionOptions().MinFaceSize);

        // Levels at 0.5, 0.25, 0.125 of the size (2000×1500, 1000×750, 500×375), then the whole photo (256×192).
        Assert.Equal([0.5f, 0.25f, 0.125f, 0.064f], tiles.Select(t => t.Scale).Distinct());
        Assert.Equal([(2000, 1500), (1000, 750), (500, 375), (256, 192)], tiles.Select(t => (t.Width, t.Height)).Distinct());
        Assert.Equal((9 * 7) + (5 * 4) + (3 * 2) + 1, tiles.Count);
        Assert.Equal(tiles.Count, new FaceDetector().RunsFor(4000, 3000));
    }

    [Fact]
    public void Each_level_but_the_last_is_the_one_before_halved()
    {
        var levels = TilePlan.For(4001, 2999, 30).GroupBy(t => t.Level).Select(l => l.First()).SkipLast(1).ToList();

        Assert.Equal((1600, 1200), (levels[0].Width, levels[0].Height));
        for (var i = 1; i < levels.Count; i++)
        {
            Assert.Equal((TilePlan.Halved(levels[i - 1].Width), TilePlan.Halved(levels[i - 1].Height)), (levels[i].Width, levels[i].Height));
        }
    }

    [Theory]
    [InlineData(4000, 3000, 24)]
    [InlineData(3000, 4000, 24)]
    [InlineData(4000, 3000, 20)]
    [InlineData(2048, 1536, 24)]
    [InlineData(1280, 853, 30)]
    public void Every_face_from_the_smallest_looked_for_lies_wholly_in_a_tile_of_a_level_that_keeps_it(int width, int height, int minFace)
    {
        var tiles = TilePlan.For(width, height, minFace);
        var last = tiles[^1].Level;
        var random = new Random(width + height + minFace);
        for (var size = (float)minFace; size < Math.Min(width, height); size *= 1.13f)
        {
            for (var i = 0; i < 300; i++)
            {
                var x = (float)(random.NextDouble() * (width - size));
                var y = (float)(random.NextDouble() * (height - size));

                // A level keeps the face when it is at least the smallest looked for and at most the largest it keeps there.
                Assert.Contains(tiles, t =>
                {
                    var (scaleX, scaleY) = ((float)t.Width / width, (float)t.Height / height);
                    var inInput = size * Math.Max(scaleX, scaleY);
                    return (t.Level == last || inInput >= TilePlan.SmallestFaceInInput * 0.99f)
                        && inInput <= t.LargestFace
                        && x * scaleX >= t.X && (x + size) * scaleX <= t.X + BlazeFace.InputSize
                        && y * scaleY >= t.Y && (y + size) * scaleY <= t.Y + BlazeFace.InputSize;
                });
            }
        }
    }

    [Fact]
    public void A_24_pixel_face_in_a_class_photo_is_12_pixels_on_the_first_level()
    {
        var first = TilePlan.For(4000, 3000, 24)[0];

        Assert.Equal(TilePlan.SmallestFaceInInput, 24 * first.Scale);
        Assert.Equal(0, first.Level);
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
            var scaledWidth = level.First().Width;
            var scaledHeight = level.First().Height;
            var largest = Math.Max(scaledWidth, scaledHeight) <= TilePlan.SmallLevel ? TilePlan.LargestFaceInSmallLevel : TilePlan.LargestFaceInInput;
            Assert.All(level, t => Assert.Equal(largest, t.LargestFace));
            AssertCovered(level.Select(t => t.X).Distinct().Order().ToList(), scaledWidth, largest);
            AssertCovered(level.Select(t => t.Y).Distinct().Order().ToList(), scaledHeight, largest);
        }
    }

    [Fact]
    public void The_smallest_face_looked_for_is_12_input_pixels_and_images_are_never_enlarged()
    {
        Assert.Equal(0.25f, TilePlan.For(4000, 3000, 48)[0].Scale);
        Assert.Equal(1f, TilePlan.For(4000, 3000, 10)[0].Scale);
    }

    [Fact]
    public void A_small_image_is_one_run_that_keeps_every_size()
    {
        var tile = Assert.Single(TilePlan.For(256, 200, 20));

        Assert.Equal(new Tile(0, 1f, 0, 0, 256f, 256, 200), tile);
    }

    private static void AssertCovered(List<int> starts, int length, float largest)
    {
        Assert.Equal(0, starts[0]);
        Assert.Equal(Math.Max(0, length - 256), starts[^1]);
        for (var i = 1; i < starts.Count; i++)
        {
            // Neighbours overlap by at least the largest face a level keeps.
            Assert.InRange(starts[i] - starts[i - 1], 1, 256 - (int)largest);
        }
    }
}
