using System.Buffers.Binary;
using System.Globalization;
using Kalisto.MediaGate.Cli.Demo;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// The folder that <c>scripts/benchmark-inspect.sh</c> times <c>mediagate inspect</c> and exiftool over:
/// COUNT copies of one camera JPEG, each tagged as a photo tool tags it (an XMP packet with persons,
/// face regions and keywords, and IPTC keywords in APP13), written by the demo's own tag writers.
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- inspect-set OUT [COUNT] [BASE.jpg]</c>.
/// Without a base, a 4000x3000 camera-like JPEG with a camera's EXIF block is generated.
/// </summary>
internal static class InspectSet
{
    private static readonly byte[] XmpPreamble = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();

    public static int Write(string folder, int count, string? basePath)
    {
        byte[] camera;
        string origin;
        if (basePath is not null)
        {
            camera = File.ReadAllBytes(basePath);
            origin = Path.GetFileName(basePath);
        }
        else
        {
            camera = GeneratedCameraJpeg();
            origin = "generated 4000x3000 JPEG with a camera EXIF block";
        }

        var plain = WithoutXmp(camera);
        Directory.CreateDirectory(folder);
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            var tagged = Tag(plain, i);
            File.WriteAllBytes(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"IMG_{i + 1:D4}.jpg")), tagged);
            total += tagged.Length;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} tagged JPEGs in {folder} from {origin}, {total / count:N0} bytes each"));
        return 0;
    }

    /// <summary>Tags of a class photo: two pupils by ID, a teacher by name, their faces, a few keywords.</summary>
    private static byte[] Tag(byte[] jpeg, int i)
    {
        var pupil1 = string.Create(CultureInfo.InvariantCulture, $"LL-{1000 + (i % 500)}");
        var pupil2 = string.Create(CultureInfo.InvariantCulture, $"LL-{1500 + (i % 500)}");
        var xmp = new DemoXmp
        {
            Subjects = [pupil1, pupil2, "sportdag", "groep8", "2026"],
            PersonsInImage = [pupil1, pupil2, "Sanne Jansen"],
            HierarchicalSubjects = [$"Leerlingen|groep8|{pupil1}", $"Leerlingen|groep8|{pupil2}", "Evenementen|sportdag"],
            MwgFaces =
            [
                new DemoRegion(pupil1, 0.31, 0.42, 0.08, 0.11),
                new DemoRegion(pupil2, 0.52, 0.40, 0.07, 0.10),
                new DemoRegion("Sanne Jansen", 0.74, 0.35, 0.09, 0.12),
            ],
            ImageWidth = 4000,
            ImageHeight = 3000,
        };
        return DemoJpeg.Tag(jpeg, xmp, [pupil1, pupil2, "sportdag", "groep8"]);
    }

    /// <summary>The JPEG without its XMP segments (the tagging tool rewrites the packet), everything else kept.</summary>
    private static byte[] WithoutXmp(byte[] jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new InvalidOperationException("the base image is not a JPEG");
        }

        using var output = new MemoryStream(jpeg.Length);
        output.Write(jpeg, 0, 2);
        var at = 2;
        // Marker segments up to the start of scan; the entropy-coded data after it is copied as it is.
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            var segment = jpeg.AsSpan(at, 2 + length);
            var isXmp = jpeg[at + 1] == 0xE1 && segment[4..].StartsWith(XmpPreamble);
            if (!isXmp)
            {
                output.Write(segment);
            }

            at += 2 + length;
        }

        output.Write(jpeg, at, jpeg.Length - at);
        return output.ToArray();
    }

    /// <summary>A 12-megapixel camera-like JPEG with the EXIF block a camera writes (make, model, exposure, dates, GPS).</summary>
    private static byte[] GeneratedCameraJpeg()
    {
        using var image = Image.Load<Rgb24>(RedactionBenchmarks.CameraLikeJpeg(4000, 3000));
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Make, "NIKON CORPORATION");
        exif.SetValue(ExifTag.Model, "NIKON D5300");
        exif.SetValue(ExifTag.Software, "Ver.1.03");
        exif.SetValue(ExifTag.Orientation, (ushort)1);
        exif.SetValue(ExifTag.XResolution, new Rational(300, 1));
        exif.SetValue(ExifTag.YResolution, new Rational(300, 1));
        exif.SetValue(ExifTag.ResolutionUnit, (ushort)2);
        exif.SetValue(ExifTag.DateTime, "2026:06:12 10:41:07");
        exif.SetValue(ExifTag.DateTimeOriginal, "2026:06:12 10:41:07");
        exif.SetValue(ExifTag.DateTimeDigitized, "2026:06:12 10:41:07");
        exif.SetValue(ExifTag.ExposureTime, new Rational(1, 500));
        exif.SetValue(ExifTag.FNumber, new Rational(56, 10));
        exif.SetValue(ExifTag.ISOSpeedRatings, [(ushort)200]);
        exif.SetValue(ExifTag.FocalLength, new Rational(350, 10));
        exif.SetValue(ExifTag.ExposureProgram, (ushort)3);
        exif.SetValue(ExifTag.MeteringMode, (ushort)5);
        exif.SetValue(ExifTag.Flash, (ushort)16);
        exif.SetValue(ExifTag.PixelXDimension, 4000);
        exif.SetValue(ExifTag.PixelYDimension, 3000);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(52, 1), new Rational(5, 1), new Rational(2211, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(5, 1), new Rational(7, 1), new Rational(4012, 100)]);
        // A maker note of the usual size: opaque bytes to every reader but the camera maker's.
        exif.SetValue(ExifTag.MakerNote, new byte[24 * 1024]);
        image.Metadata.ExifProfile = exif;
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 });
        return stream.ToArray();
    }
}
