using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Builds little-endian, multi-page, 6x1 greyscale TIFFs whose pages carry metadata tags.</summary>
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

    /// <summary>
    /// One page per element of <paramref name="tags"/>: each page's IFD has the image tags of a 6x1 greyscale
    /// strip and the page's own tags, in tag order. A value of more than four bytes is stored before the IFDs
    /// at an even offset, a shorter one inline; the count is the value's length in units of its type.
    /// </summary>
    public static byte[] Pages(params (ushort Tag, ushort Type, byte[] Value)[][] tags)
    {
        using var ms = new MemoryStream();
        ms.Write("II*\0"u8);
        ms.Write(new byte[4]); // IFD0 offset, set below
        foreach (var _ in tags)
        {
            ms.Write(PixelData);
        }

        var pages = new List<List<(ushort Tag, ushort Type, int Count, byte[] Inline, int Offset)>>();
        for (var page = 0; page < tags.Length; page++)
        {
            (ushort, ushort, byte[])[] image =
            [
                (256, 3, U16(6)), (257, 3, U16(1)), (258, 3, U16(8)), (259, 3, U16(1)), (262, 3, U16(1)),
                (273, 4, U32(PixelStart + (6 * page))), (277, 3, U16(1)), (278, 3, U16(1)), (279, 4, U32(6)),
            ];
            var entries = new List<(ushort, ushort, int, byte[], int)>();
            foreach (var (tag, type, value) in image.Concat(tags[page]).OrderBy(t => t.Item1))
            {
                var count = value.Length / TypeSize(type);
                if (value.Length <= 4)
                {
                    entries.Add((tag, type, count, value, 0));
                    continue;
                }

                if (ms.Position % 2 == 1)
                {
                    ms.WriteByte(0);
                }

                entries.Add((tag, type, count, [], (int)ms.Position));
                ms.Write(value);
            }

            pages.Add(entries);
        }

        if (ms.Position % 2 == 1)
        {
            ms.WriteByte(0);
        }

        var first = (int)ms.Position;
        var next = first;
        for (var page = 0; page < pages.Count; page++)
        {
            var entries = pages[page];
            var ifd = new byte[2 + (12 * entries.Count) + 4];
            next += ifd.Length;
            BinaryPrimitives.WriteUInt16LittleEndian(ifd, (ushort)entries.Count);
            for (var e = 0; e < entries.Count; e++)
            {
                var (tag, type, count, inline, offset) = entries[e];
                var span = ifd.AsSpan(2 + (12 * e));
                BinaryPrimitives.WriteUInt16LittleEndian(span, tag);
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
                BinaryPrimitives.WriteInt32LittleEndian(span[4..], count);
                if (offset > 0)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(span[8..], offset);
                }
                else
                {
                    inline.CopyTo(span[8..]);
                }
            }

            BinaryPrimitives.WriteInt32LittleEndian(ifd.AsSpan(ifd.Length - 4), page == pages.Count - 1 ? 0 : next);
            ms.Write(ifd);
        }

        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), first);
        return bytes;
    }

    public static byte[] U16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        return bytes;
    }

    public static byte[] U32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static int TypeSize(ushort type) => type switch
    {
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 => 8,
        _ => 1,
    };
}
