using Kalisto.MediaGate.Imaging.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Tests.Faces;

public sealed class HalvingTests
{
    [Fact]
    public void Each_pixel_is_the_rounded_mean_of_its_2x2_block()
    {
        using var image = new Image<Rgb24>(4, 2);
        image[0, 0] = new Rgb24(0, 10, 255);
        image[1, 0] = new Rgb24(1, 20, 255);
        image[0, 1] = new Rgb24(2, 30, 255);
        image[1, 1] = new Rgb24(3, 40, 254);
        image[2, 0] = image[3, 0] = image[2, 1] = image[3, 1] = new Rgb24(200, 100, 7);

        using var half = Halving.Of(image);

        Assert.Equal(new Size(2, 1), half.Size());
        Assert.Equal(new Rgb24(2, 25, 255), half[0, 0]); // (6 + 2) / 4, (100 + 2) / 4, (1019 + 2) / 4
        Assert.Equal(new Rgb24(200, 100, 7), half[1, 0]);
    }

    [Fact]
    public void An_odd_last_column_and_row_are_averaged_with_themselves()
    {
        using var image = new Image<Rgb24>(3, 3, new Rgb24(0, 0, 0));
        image[2, 0] = new Rgb24(100, 100, 100);
        image[2, 2] = new Rgb24(40, 40, 40);
        image[0, 2] = new Rgb24(80, 80, 80);
        image[1, 2] = new Rgb24(0, 0, 0);

        using var half = Halving.Of(image);

        Assert.Equal(new Size(2, 2), half.Size());
        Assert.Equal(new Rgb24(50, 50, 50), half[1, 0]); // column 2 twice, rows 0 and 1: (100 + 100 + 0 + 0) / 4
        Assert.Equal(new Rgb24(40, 40, 40), half[0, 1]); // row 2 twice: (80 + 0 + 80 + 0) / 4
        Assert.Equal(new Rgb24(40, 40, 40), half[1, 1]); // the corner four times
        Assert.Equal((TilePlan.Halved(3), TilePlan.Halved(3)), (half.Width, half.Height));
    }

    [Fact]
    public void A_one_pixel_image_stays_one_pixel()
    {
        using var image = new Image<Rgb24>(1, 1, new Rgb24(9, 8, 7));

        using var half = Halving.Of(image);

        Assert.Equal(new Size(1, 1), half.Size());
        Assert.Equal(new Rgb24(9, 8, 7), half[0, 0]);
    }
}
