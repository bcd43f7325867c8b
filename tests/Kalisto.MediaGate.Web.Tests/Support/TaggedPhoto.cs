using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>JPEGs made in code with a subject ID in XMP <c>dc:subject</c>, as a camera app writes it.</summary>
internal static class TaggedPhoto
{
    /// <summary>A <paramref name="width"/> × <paramref name="height"/> gradient JPEG tagged with <paramref name="subjectId"/>.</summary>
    public static byte[] Jpeg(string subjectId, int width = 320, int height = 240)
    {
        using var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)x, (byte)y, 90);
            }
        }

        using var jpeg = new MemoryStream();
        image.Save(jpeg, new JpegEncoder { Quality = 90 });
        var xmp = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>" +
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
            "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag>" +
            $"<rdf:li>{subjectId}</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        var payload = Encoding.UTF8.GetBytes("http://ns.adobe.com/xap/1.0/\0" + xmp);
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.ToArray().AsSpan(2)];
    }
}
