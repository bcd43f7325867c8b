using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Cli.Demo;

/// <summary>
/// Tags a plain JPEG the way photo tools do: APP1 EXIF (IFD0 XPKeywords), APP1 XMP and APP13
/// Photoshop/IPTC segments, inserted right after the start-of-image marker.
/// </summary>
internal static class DemoJpeg
{
    private const byte App1 = 0xE1;
    private const byte App13 = 0xED;
    private const ushort XpKeywordsTag = 0x9C9E;
    private const ushort ByteType = 1;
    private const ushort IptcResource = 0x0404;
    private const int MaxSegmentPayload = ushort.MaxValue - 2;

    private static readonly byte[] XmpPreamble = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();
    private static readonly byte[] ExifPreamble = "Exif\0\0"u8.ToArray();
    private static readonly byte[] PhotoshopPreamble = "Photoshop 3.0\0"u8.ToArray();

    /// <summary>Returns <paramref name="jpeg"/> with the given metadata; a <see langword="null"/> or empty part is left out.</summary>
    public static byte[] Tag(byte[] jpeg, DemoXmp? xmp = null, IReadOnlyList<string>? iptcKeywords = null, string? xpKeywords = null)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new InvalidOperationException("the base image is not a JPEG");
        }

        using var output = new MemoryStream();
        output.Write(jpeg, 0, 2);
        if (!string.IsNullOrEmpty(xpKeywords))
        {
            Segment(output, App1, [.. ExifPreamble, .. ExifWithXpKeywords(xpKeywords)]);
        }

        if (xmp is not null)
        {
            Segment(output, App1, [.. XmpPreamble, .. xmp.ToPacket()]);
        }

        if (iptcKeywords is { Count: > 0 })
        {
            Segment(output, App13, [.. PhotoshopPreamble, .. PhotoshopIptc(iptcKeywords)]);
        }

        output.Write(jpeg, 2, jpeg.Length - 2);
        return output.ToArray();
    }

    private static void Segment(Stream output, byte marker, byte[] payload)
    {
        if (payload.Length > MaxSegmentPayload)
        {
            throw new InvalidOperationException("the metadata does not fit one JPEG segment");
        }

        Span<byte> header = stackalloc byte[4];
        header[0] = 0xFF;
        header[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(payload.Length + 2));
        output.Write(header);
        output.Write(payload);
    }

    /// <summary>A little-endian TIFF whose IFD0 holds only XPKeywords (BYTE, UTF-16LE, NUL-terminated).</summary>
    private static byte[] ExifWithXpKeywords(string keywords)
    {
        var value = Encoding.Unicode.GetBytes(keywords + "\0");
        const int ifdOffset = 8;
        const int entryCount = 1;
        const int valueOffset = ifdOffset + 2 + (12 * entryCount) + 4;
        var tiff = new byte[valueOffset + value.Length + (value.Length % 2)];
        var span = tiff.AsSpan();
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], ifdOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(span[ifdOffset..], entryCount);
        var entry = span[(ifdOffset + 2)..];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, XpKeywordsTag);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], ByteType);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], (uint)value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], valueOffset); // the value is longer than 4 bytes
        BinaryPrimitives.WriteUInt32LittleEndian(span[(valueOffset - 4)..], 0); // no IFD1
        value.CopyTo(span[valueOffset..]);
        return tiff;
    }

    /// <summary>One 8BIM resource 0x0404 holding IPTC IIM: coded character set UTF-8, record version 4, keywords 2:25.</summary>
    private static byte[] PhotoshopIptc(IReadOnlyList<string> keywords)
    {
        using var iim = new MemoryStream();
        Dataset(iim, 1, 90, [0x1B, 0x25, 0x47]); // ESC % G: UTF-8
        Dataset(iim, 2, 0, [0x00, 0x04]);
        foreach (var keyword in keywords)
        {
            Dataset(iim, 2, 25, Encoding.UTF8.GetBytes(keyword));
        }

        var data = iim.ToArray();
        using var resource = new MemoryStream();
        resource.Write("8BIM"u8);
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(number, IptcResource);
        resource.Write(number[..2]);
        resource.Write([0x00, 0x00]); // empty Pascal name, padded to an even length
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)data.Length);
        resource.Write(number);
        resource.Write(data);
        if (data.Length % 2 == 1)
        {
            resource.WriteByte(0);
        }

        return resource.ToArray();
    }

    private static void Dataset(Stream iim, byte record, byte dataset, byte[] value)
    {
        if (value.Length > short.MaxValue)
        {
            throw new InvalidOperationException("an IPTC value is too long");
        }

        Span<byte> header = stackalloc byte[5];
        header[0] = 0x1C;
        header[1] = record;
        header[2] = dataset;
        BinaryPrimitives.WriteUInt16BigEndian(header[3..], (ushort)value.Length);
        iim.Write(header);
        iim.Write(value);
    }
}
