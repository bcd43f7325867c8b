using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>
/// One pupil and the metadata blocks that tag her, in the shapes writers produce (XMP packets, IPTC IIM,
/// a Photoshop resource block, an EXIF/TIFF block with XPKeywords, RIFF text), for the container builders to
/// put wherever a tag can hide.
/// </summary>
internal static class Pupil
{
    public const string Id = "LL-4711";

    public const string Name = "Sanne Visser";

    /// <summary>The pupil's ID and name, as a test searches for them.</summary>
    public static readonly string[] Identifiers = [Id, Name];

    private const string RdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

    /// <summary>The properties that tag her: the ID as a keyword, the name as a person shown.</summary>
    private static readonly string Properties =
        $"<dc:subject><rdf:Bag><rdf:li>{Id}</rdf:li></rdf:Bag></dc:subject><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>{Name}</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>";

    private static readonly string Namespaces =
        $"xmlns:rdf=\"{RdfNamespace}\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"";

    /// <summary>The <c>x:xmpmeta</c> element that tags her, without the xpacket wrapper.</summary>
    public static string XmpMeta { get; } =
        $"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"{RdfNamespace}\"><rdf:Description rdf:about=\"\" {Namespaces}>{Properties}</rdf:Description></rdf:RDF></x:xmpmeta>";

    /// <summary>A complete XMP packet (xpacket wrapper, <c>x:xmpmeta</c>, <c>rdf:RDF</c>) as Adobe tools write it.</summary>
    public static string XmpPacket { get; } = $"<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>{XmpMeta}<?xpacket end=\"w\"?>";

    /// <summary>A packet whose <c>rdf:Description</c> stands right under <c>x:xmpmeta</c>, without <c>rdf:RDF</c>.</summary>
    public static string XmpPacketWithoutRdf { get; } =
        $"<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:Description rdf:about=\"\" {Namespaces}>{Properties}</rdf:Description></x:xmpmeta><?xpacket end=\"w\"?>";

    /// <summary>A packet that tags nobody, for the places where a second packet or trailing data hides the pupil.</summary>
    public static string UntaggedXmpPacket { get; } =
        $"<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"{RdfNamespace}\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag><rdf:li>sportdag</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

    public static byte[] Xmp() => Encoding.UTF8.GetBytes(XmpPacket);

    /// <summary>Free text naming her, as comments and RIFF INFO fields hold it.</summary>
    public static string Text { get; } = $"{Id} {Name}";

    /// <summary>IPTC IIM: the record version, then the ID and the name as keywords (2:25).</summary>
    public static byte[] Iptc()
    {
        using var ms = new MemoryStream();
        ms.Write([0x1C, 2, 0, 0, 2, 0, 4]);
        foreach (var keyword in Identifiers)
        {
            var bytes = Encoding.UTF8.GetBytes(keyword);
            ms.Write([0x1C, 2, 25, 0, (byte)bytes.Length]);
            ms.Write(bytes);
        }

        return ms.ToArray();
    }

    /// <summary>A Photoshop image resource block holding the IPTC (resource 0x0404, no name).</summary>
    public static byte[] PhotoshopIptc()
    {
        var iptc = Iptc();
        var block = new byte[4 + 2 + 2 + 4 + iptc.Length + (iptc.Length & 1)];
        "8BIM"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(4), 0x0404);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(8), (uint)iptc.Length);
        iptc.CopyTo(block, 12);
        return block;
    }

    /// <summary>XPKeywords as Windows writes them: UTF-16LE, <c>;</c>-separated, NUL-terminated.</summary>
    public static byte[] XpKeywords() => Encoding.Unicode.GetBytes($"{Id};{Name}\0");

    /// <summary>
    /// A big-endian TIFF block as EXIF holds it: IFD0 with the orientation (when given) and XPKeywords
    /// (unless <paramref name="tagged"/> is false), no further IFD.
    /// </summary>
    public static byte[] ExifTiff(int? orientation, bool tagged = true)
    {
        var keywords = tagged ? XpKeywords() : [];
        var entries = (orientation is null ? 0 : 1) + (tagged ? 1 : 0);
        var valueStart = 8 + 2 + (12 * entries) + 4;
        var tiff = new byte[valueStart + keywords.Length];
        "MM\0*"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), (ushort)entries);
        var entry = tiff.AsSpan(10);
        if (orientation is { } value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(entry, 274);
            BinaryPrimitives.WriteUInt16BigEndian(entry[2..], 3); // SHORT
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(entry[8..], (ushort)value);
            entry = entry[12..];
        }

        if (tagged)
        {
            BinaryPrimitives.WriteUInt16BigEndian(entry, 40094); // XPKeywords
            BinaryPrimitives.WriteUInt16BigEndian(entry[2..], 1); // BYTE
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], (uint)keywords.Length);
            BinaryPrimitives.WriteUInt32BigEndian(entry[8..], (uint)valueStart);
            keywords.CopyTo(tiff, valueStart);
        }

        return tiff;
    }

    /// <summary>
    /// Where the pupil shows in the bytes: her ID and name in UTF-8, UTF-16 of either byte order, or the
    /// lower-case hex that ImageMagick's raw profiles use.
    /// </summary>
    public static List<string> Traces(byte[] bytes) =>
        [.. Identifiers.SelectMany(Forms).Where(form => bytes.AsSpan().IndexOf(form.Bytes) >= 0).Select(form => form.Label).Distinct()];

    /// <summary>The copy carries neither her ID nor her name, in any of the forms <see cref="Traces"/> looks for.</summary>
    public static void AssertAbsent(byte[] output)
    {
        var traces = Traces(output);
        Assert.True(traces.Count == 0, $"the copy still holds {string.Join(", ", traces)}");
    }

    /// <summary>The fixture does hold both her ID and her name, so a test that finds neither in the copy proves something.</summary>
    public static void AssertPresent(byte[] input)
    {
        foreach (var value in Identifiers)
        {
            Assert.True(Forms(value).Any(f => input.AsSpan().IndexOf(f.Bytes) >= 0), $"the fixture does not hold '{value}'");
        }
    }

    private static IEnumerable<(string Label, byte[] Bytes)> Forms(string value) =>
    [
        ($"'{value}' (UTF-8)", Encoding.UTF8.GetBytes(value)),
        ($"'{value}' (UTF-16LE)", Encoding.Unicode.GetBytes(value)),
        ($"'{value}' (UTF-16BE)", Encoding.BigEndianUnicode.GetBytes(value)),
        ($"'{value}' (hex)", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value)))),
    ];
}
