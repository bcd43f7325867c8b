using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Imaging.Redaction;
using Kalisto.MediaGate.Tags;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Kalisto.MediaGate.Imaging.Tests.Redaction;

/// <summary>Images made in code for the redaction tests, and the measures the tests compare them by.</summary>
internal static class TestImages
{
    /// <summary>
    /// A photo-like test card: a gradient, hundreds of small sharp-edged patches of random colour (the
    /// size of eyes and mouths) and mild noise. Plenty of fine detail for a redaction to destroy.
    /// </summary>
    public static Image<Rgb24> Noisy(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new Rgb24[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), 128);
            }
        }

        for (var patch = width * height / 80; patch > 0; patch--)
        {
            var grey = random.Next(256);
            var colour = new Rgb24(Channel(grey + random.Next(-30, 31)), Channel(grey + random.Next(-30, 31)), Channel(grey + random.Next(-30, 31)));
            int w = random.Next(3, 16), h = random.Next(3, 16), left = random.Next(width), top = random.Next(height);
            for (var y = top; y < Math.Min(top + h, height); y++)
            {
                pixels.AsSpan((y * width) + left, Math.Min(w, width - left)).Fill(colour);
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            var noise = random.Next(-3, 4);
            pixels[i] = new Rgb24(Channel(p.R + noise), Channel(p.G + noise), Channel(p.B + noise));
        }

        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }

    /// <summary>The image as a JPEG (quality 95, 4:2:0 like most cameras) carrying an orientation and identifying EXIF, IPTC and XMP.</summary>
    public static MemoryStream Jpeg(Image<Rgb24> image, int orientation = 1)
    {
        using var copy = image.Clone();
        AddIdentifyingMetadata(copy, orientation);
        return Encode(copy, new JpegEncoder { Quality = 95, ColorType = JpegColorType.YCbCrRatio420 });
    }

    public static MemoryStream Encode(Image image, IImageEncoder encoder)
    {
        var stream = new MemoryStream();
        image.Save(stream, encoder);
        stream.Position = 0;
        return stream;
    }

    public static void AddIdentifyingMetadata(Image image, int orientation = 1)
    {
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Orientation, (ushort)orientation);
        exif.SetValue(ExifTag.Artist, "LL-0001");
        exif.SetValue(ExifTag.ImageDescription, "Sportdag groep 8");
        image.Metadata.ExifProfile = exif;

        // TIFF writes (and reads back) its tags, orientation included, with the frame.
        image.Frames.RootFrame.Metadata.ExifProfile = exif.DeepClone();

        var iptc = new IptcProfile();
        iptc.SetValue(IptcTag.Keywords, "LL-0001");
        image.Metadata.IptcProfile = iptc;

        image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(
            """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:subject><rdf:Bag><rdf:li>LL-0001</rdf:li></rdf:Bag></dc:subject>
            </rdf:Description></rdf:RDF></x:xmpmeta>
            """));
    }

    /// <summary>The image as the redactor encodes a JPEG it did not touch: quality 90, 4:2:0.</summary>
    public static Image<Rgb24> ReEncoded(Image<Rgb24> image)
    {
        using var stream = Encode(image, new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 });
        return Decode(stream);
    }

    /// <summary>The smallest well-formed ICC profile: a 128-byte header (RGB display, XYZ connection space) and no tags.</summary>
    public static byte[] MinimalIccProfile()
    {
        var profile = new byte[132];
        BinaryPrimitives.WriteInt32BigEndian(profile, profile.Length);
        profile[8] = 2; // version 2.4
        profile[9] = 0x40;
        Encoding.ASCII.GetBytes("mntrRGB XYZ ").CopyTo(profile, 12);
        Encoding.ASCII.GetBytes("acsp").CopyTo(profile, 36);
        return profile;
    }

    /// <summary>What a viewer shows of <paramref name="stored"/> pixels under an EXIF orientation (1, 6 or 8).</summary>
    public static Image<Rgb24> Displayed(Image<Rgb24> stored, int orientation) => orientation switch
    {
        6 => stored.Clone(c => c.Rotate(RotateMode.Rotate90)),
        8 => stored.Clone(c => c.Rotate(RotateMode.Rotate270)),
        _ => stored.Clone(),
    };

    public static Image<Rgb24> Decode(Stream stream)
    {
        stream.Position = 0;
        return Image.Load<Rgb24>(stream);
    }

    /// <summary>The region in pixels the redactor must cover on an image of this size.</summary>
    public static Rectangle Widened(FaceRegion region, Image image) => ImageRedactor.Widen(region, image.Width, image.Height);

    /// <summary>Mean absolute difference per channel over an area, in 0..255.</summary>
    public static double MeanDifference(Image<Rgb24> a, Image<Rgb24> b, Rectangle area)
    {
        double sum = 0;
        for (var y = area.Top; y < area.Bottom; y++)
        {
            for (var x = area.Left; x < area.Right; x++)
            {
                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (3.0 * area.Width * area.Height);
    }

    /// <summary>
    /// The fine detail of an area: how far pixels stray from the mean of their mosaic block (0..255),
    /// averaged over the blocks, leaving out an <paramref name="inset"/> at each block edge where JPEG rings.
    /// </summary>
    public static double SpreadWithinBlocks(Image<Rgb24> image, Rectangle area, int block, int inset)
    {
        double total = 0;
        var blocks = 0;
        for (var top = area.Top; top < area.Bottom; top += block)
        {
            for (var left = area.Left; left < area.Right; left += block)
            {
                var inner = Rectangle.FromLTRB(left + inset, top + inset, Math.Min(left + block, area.Right) - inset, Math.Min(top + block, area.Bottom) - inset);
                if (inner.Width < 2 || inner.Height < 2)
                {
                    continue;
                }

                var pixels = Enumerable.Range(inner.Top, inner.Height)
                    .SelectMany(y => Enumerable.Range(inner.Left, inner.Width).Select(x => image[x, y]))
                    .ToList();
                double r = pixels.Average(p => p.R), g = pixels.Average(p => p.G), b = pixels.Average(p => p.B);
                total += pixels.Average(p => Math.Abs(p.R - r) + Math.Abs(p.G - g) + Math.Abs(p.B - b)) / 3;
                blocks++;
            }
        }

        Assert.True(blocks > 0, "the area has no block large enough to measure");
        return total / blocks;
    }

    /// <summary>
    /// Mean absolute difference over the whole image except the given areas, each grown by a
    /// <paramref name="ring"/> of pixels (the JPEG blocks that straddle a redacted edge).
    /// </summary>
    public static double MeanDifferenceOutside(Image<Rgb24> a, Image<Rgb24> b, IEnumerable<Rectangle> areas, int ring)
    {
        var excluded = areas.Select(r => Rectangle.Inflate(r, ring, ring)).ToList();
        double sum = 0;
        long count = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                if (excluded.Any(r => r.Contains(x, y)))
                {
                    continue;
                }

                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
                count++;
            }
        }

        Assert.True(count > 0, "nothing left outside the redacted areas to compare");
        return sum / (3.0 * count);
    }

    /// <summary>
    /// A PNG that is a signature and a header claiming <paramref name="width"/> x <paramref name="height"/>,
    /// with no pixel data or (<paramref name="withPixelData"/>) a few bytes of it: far too little either way.
    /// </summary>
    public static MemoryStream PngHeaderOnly(int width, int height, bool withPixelData = false)
    {
        var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 6; // colour type RGBA
        WriteChunk(stream, "IHDR", header);
        if (withPixelData)
        {
            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(new byte[64]);
            }

            WriteChunk(stream, "IDAT", compressed.ToArray());
        }

        WriteChunk(stream, "IEND", []);
        stream.Position = 0;
        return stream;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(typeAndData));
        stream.Write(crc);
    }

    private static byte Channel(int value) => (byte)Math.Clamp(value, 0, 255);
}
