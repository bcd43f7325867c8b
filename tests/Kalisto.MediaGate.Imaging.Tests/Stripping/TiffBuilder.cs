using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Builds a little-endian, two-page, 6x1 greyscale TIFF whose pages carry a description and XMP.</summary>
internal static class TiffBuilder
{
    private const int PixelStart = 8;

    public static byte[] PixelData { get; } = [10, 20, 30, 40, 50, 60];

    public static Range PixelRange(int page) => new(PixelStart + (6 * page), PixelStart + (6 * page) + 6);

    public static byte[] TwoPages(string firstId, string secondId)
    {
        using var ms = new MemoryStream();
        ms.Write("II*\0"u8);
        ms.Write(new byte[4]); // IFD0 offset, set below
        ms.Write(PixelData);
        ms.Write(PixelData);
        var texts = new List<(int Description, int DescriptionLength, int Xmp, int XmpLength)>();
        foreach (var id in new[] { firstId, secondId })
        {
            var description = Encoding.ASCII.GetBytes($"{id} page\0");
            var xmp = Encoding.UTF8.GetBytes($"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag><rdf:li>{id}</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>");
            var d = (int)ms.Position;
            ms.Write(description);
            var x = (int)ms.Position;
            ms.Write(xmp);
            if (ms.Position % 2 == 1)
            {
                ms.WriteByte(0);
            }

            texts.Add((d, description.Length, x, xmp.Length));
        }

        const int entries = 11;
        const int ifdSize = 2 + (12 * entries) + 4;
        var first = (int)ms.Position;
        for (var page = 0; page < 2; page++)
        {
            var next = page == 0 ? first + ifdSize : 0;
            var t = texts[page];
            var ifd = new byte[ifdSize];
            BinaryPrimitives.WriteUInt16LittleEndian(ifd, entries);
            var e = 0;
            void Entry(ushort tag, ushort type, int count, int value)
            {
                var span = ifd.AsSpan(2 + (12 * e++));
                BinaryPrimitives.WriteUInt16LittleEndian(span, tag);
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
                BinaryPrimitives.WriteInt32LittleEndian(span[4..], count);
                BinaryPrimitives.WriteInt32LittleEndian(span[8..], value);
            }

            Entry(256, 3, 1, 6);
            Entry(257, 3, 1, 1);
            Entry(258, 3, 1, 8);
            Entry(259, 3, 1, 1);
            Entry(262, 3, 1, 1);
            Entry(270, 2, t.DescriptionLength, t.Description);
            Entry(273, 4, 1, PixelStart + (6 * page));
            Entry(277, 3, 1, 1);
            Entry(278, 3, 1, 1);
            Entry(279, 4, 1, 6);
            Entry(700, 1, t.XmpLength, t.Xmp);
            BinaryPrimitives.WriteInt32LittleEndian(ifd.AsSpan(ifdSize - 4), next);
            ms.Write(ifd);
        }

        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), first);
        return bytes;
    }
}
