using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Faces;

/// <summary>
/// An image at half its size, each pixel the mean of a 2×2 block (a box filter; an odd last column or row is
/// averaged with itself). Written here because ImageSharp's resampler, general (any scale, any kernel, in
/// premultiplied floats), takes four to five times as long for this one case: about 130 ms against 26 ms for a
/// 4000×3000 photo on one core, which is the detector's largest cost after the model and the decode.
/// </summary>
internal static class Halving
{
    public static Image<Rgb24> Of(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = TilePlan.Halved(image.Width);
        var height = TilePlan.Halved(image.Height);
        var half = new Image<Rgb24>(ImagingConfiguration.Shared, width, height);
        try
        {
            image.ProcessPixelRows(half, (source, target) =>
            {
                for (var y = 0; y < height; y++)
                {
                    var top = source.GetRowSpan(2 * y);
                    var bottom = source.GetRowSpan(Math.Min((2 * y) + 1, source.Height - 1));
                    var row = target.GetRowSpan(y);
                    for (var x = 0; x < width; x++)
                    {
                        var left = 2 * x;
                        var right = Math.Min(left + 1, top.Length - 1);
                        Rgb24 a = top[left], b = top[right], c = bottom[left], d = bottom[right];
                        row[x] = new Rgb24(
                            (byte)((a.R + b.R + c.R + d.R + 2) >> 2),
                            (byte)((a.G + b.G + c.G + d.G + 2) >> 2),
                            (byte)((a.B + b.B + c.B + d.B + 2) >> 2));
                    }
                }
            });
            return half;
        }
        catch
        {
            half.Dispose();
            throw;
        }
    }
}
