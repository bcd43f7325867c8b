using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Imaging.Redaction;

/// <summary>
/// Coarse pixelation by block averages: every block of the area becomes the mean colour of its pixels,
/// so nothing finer than a block survives. Only the rows of the area are touched.
/// </summary>
internal static class Mosaic
{
    /// <summary>A widened region is cut into at most this many blocks along its longer side.</summary>
    public const int BlocksAcross = 6;

    /// <summary>Smallest block edge in pixels, so that small faces are not kept at a readable size.</summary>
    public const int MinimumBlock = 8;

    /// <summary>The block edge for an area: its longer side over <see cref="BlocksAcross"/>, at least <see cref="MinimumBlock"/>.</summary>
    public static int BlockSize(Rectangle area) =>
        Math.Max(MinimumBlock, (Math.Max(area.Width, area.Height) + BlocksAcross - 1) / BlocksAcross);

    public static void Apply<TPixel>(Image<TPixel> image, Rectangle area, int block)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        area.Intersect(image.Bounds());
        if (area.IsEmpty)
        {
            return;
        }

        var columns = (area.Width + block - 1) / block;
        var sums = new Vector4[columns];
        var colours = new TPixel[columns];
        image.ProcessPixelRows(accessor =>
        {
            for (var bandTop = area.Top; bandTop < area.Bottom; bandTop += block)
            {
                var bandBottom = Math.Min(bandTop + block, area.Bottom);
                Array.Clear(sums);
                for (var y = bandTop; y < bandBottom; y++)
                {
                    var row = accessor.GetRowSpan(y).Slice(area.Left, area.Width);
                    for (var x = 0; x < row.Length; x++)
                    {
                        sums[x / block] += row[x].ToVector4();
                    }
                }

                var bandHeight = bandBottom - bandTop;
                for (var c = 0; c < columns; c++)
                {
                    var width = Math.Min(block, area.Width - (c * block));
                    colours[c].FromVector4(sums[c] / (width * bandHeight));
                }

                for (var y = bandTop; y < bandBottom; y++)
                {
                    var row = accessor.GetRowSpan(y).Slice(area.Left, area.Width);
                    for (var c = 0; c < columns; c++)
                    {
                        var start = c * block;
                        row.Slice(start, Math.Min(block, row.Length - start)).Fill(colours[c]);
                    }
                }
            }
        });
    }
}
