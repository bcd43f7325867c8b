using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>Builds small media files in code, for cases no tool writes (hostile, broken, huge).</summary>
internal static class MediaBuilder
{
    public static string Xmp(string body) =>
        "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>" +
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
        body +
        "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

    public static string DcSubject(params string[] values) =>
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:subject><rdf:Bag>" +
        string.Concat(values.Select(v => $"<rdf:li>{v}</rdf:li>")) +
        "</rdf:Bag></dc:subject></rdf:Description>";

    /// <summary>A JPEG: SOI, the given APP1 XMP packet, a frame header, SOS and <paramref name="imageBytes"/> of data, EOI.</summary>
    public static byte[] Jpeg(string? xmp, int imageBytes = 16, params byte[][] extraSegments)
    {
        using var ms = new MemoryStream();
        ms.Write([0xFF, 0xD8]);
        if (xmp is not null)
        {
            Segment(ms, 0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. Encoding.UTF8.GetBytes(xmp)]);
        }

        foreach (var segment in extraSegments)
        {
            ms.Write(segment);
        }

        Segment(ms, 0xC0, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]);
        Segment(ms, 0xDA, [1, 1, 0, 0, 63, 0]);
        var data = new byte[imageBytes];
        new Random(42).NextBytes(data);
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == 0xFF)
            {
                data[i] = 0xFE; // keep the scan free of markers
            }
        }

        ms.Write(data);
        ms.Write([0xFF, 0xD9]);
        return ms.ToArray();
    }

    public static byte[] JpegSegment(byte marker, byte[] payload)
    {
        using var ms = new MemoryStream();
        Segment(ms, marker, payload);
        return ms.ToArray();
    }

    private static void Segment(Stream s, byte marker, byte[] payload)
    {
        s.WriteByte(0xFF);
        s.WriteByte(marker);
        var length = payload.Length + 2;
        s.WriteByte((byte)(length >> 8));
        s.WriteByte((byte)length);
        s.Write(payload);
    }

    public static byte[] Box(string type, params byte[][] children)
    {
        var payload = children.SelectMany(c => c).ToArray();
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    public static byte[] Ftyp(string major = "isom") =>
        Box("ftyp", Encoding.ASCII.GetBytes(major), [0, 0, 2, 0], Encoding.ASCII.GetBytes("isomiso2mp41"));

    public static byte[] XmpUuidBox(string xmp) =>
        Box("uuid", Convert.FromHexString("BE7ACFCB97A942E89C71999491E3AFAC"), Encoding.UTF8.GetBytes(xmp));
}
