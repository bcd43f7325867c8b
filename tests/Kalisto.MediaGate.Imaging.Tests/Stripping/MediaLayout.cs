using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Small, independent readers of container layouts, to compare an original with its copy.</summary>
internal static class MediaLayout
{
    /// <summary>The JPEG marker segments before the first SOS, as (marker, payload).</summary>
    public static List<(byte Marker, byte[] Payload)> JpegSegments(byte[] jpeg)
    {
        var segments = new List<(byte, byte[])>();
        var pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            var marker = jpeg[pos + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            segments.Add((marker, jpeg[(pos + 4)..(pos + 2 + length)]));
            if (marker == 0xDA)
            {
                break;
            }

            pos += 2 + length;
        }

        return segments;
    }

    /// <summary>The bytes from the first SOS marker to the end of EOI.</summary>
    public static byte[] JpegScan(byte[] jpeg)
    {
        var pos = 2;
        while (jpeg[pos + 1] != 0xDA)
        {
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        var eoi = jpeg.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xD9]);
        return jpeg[pos..(eoi + 2)];
    }

    public static List<(string Type, byte[] Data)> PngChunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var pos = 8; pos + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            chunks.Add((Encoding.ASCII.GetString(png, pos + 4, 4), png[(pos + 8)..(pos + 8 + length)]));
            pos += 12 + length;
        }

        return chunks;
    }

    public static List<(string Type, byte[] Data)> RiffChunks(byte[] riff)
    {
        var chunks = new List<(string, byte[])>();
        for (var pos = 12; pos + 8 <= riff.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(riff.AsSpan(pos + 4));
            chunks.Add((Encoding.ASCII.GetString(riff, pos, 4), riff[(pos + 8)..Math.Min(riff.Length, pos + 8 + size)]));
            pos += 8 + size + (size & 1);
        }

        return chunks;
    }

    /// <summary>The top-level boxes of an ISO media file as (type, start, size).</summary>
    public static List<(string Type, int Start, int Size)> TopLevelBoxes(byte[] file)
    {
        var boxes = new List<(string, int, int)>();
        for (var pos = 0; pos + 8 <= file.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            size = size == 0 ? file.Length - pos : size;
            boxes.Add((Encoding.Latin1.GetString(file, pos + 4, 4), pos, size));
            pos += size;
        }

        return boxes;
    }

    /// <summary>
    /// Every box reached through the common containers (and <c>meta</c>, <c>iinf</c>, <c>dref</c>,
    /// <c>stsd</c> after their fields; sample entries are not opened), as (path, start, type, size). A box
    /// that does not fit its parent, or children that do not fill it exactly, fail the test.
    /// </summary>
    public static List<(string Path, int Start, string Type, int Size)> IsoBoxes(byte[] file)
    {
        var boxes = new List<(string, int, string, int)>();
        IsoChildren(file, 0, file.Length, string.Empty, boxes);
        return boxes;
    }

    private static void IsoChildren(byte[] file, int start, int end, string path, List<(string, int, string, int)> boxes)
    {
        var pos = start;
        while (pos < end)
        {
            Assert.True(end - pos >= 8, $"{path} ends in {end - pos} stray bytes");
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            var type = Encoding.Latin1.GetString(file, pos + 4, 4);
            Assert.True(size >= 8 && size <= end - pos, $"{path}/{type} at {pos} does not fit in its parent");
            boxes.Add(($"{path}/{type}", pos, type, size));
            int? fields = type switch
            {
                "moov" or "trak" or "mdia" or "minf" or "stbl" or "edts" or "dinf" or "mvex" or "moof" or "traf" or "mfra" or "iprp" or "ipco" or "wave" => 0,
                "meta" => 4,
                "iinf" => 6,
                "dref" or "stsd" => 8,
                _ => null,
            };
            if (fields is { } skip)
            {
                IsoChildren(file, pos + 8 + skip, pos + size, $"{path}/{type}", boxes);
            }

            pos += size;
        }
    }

    public static byte[] Mdat(byte[] file)
    {
        var (_, start, size) = TopLevelBoxes(file).Single(b => b.Type == "mdat");
        return file[(start + 8)..(start + size)];
    }

    public static byte[] Box(string type, params byte[][] children)
    {
        var payload = children.SelectMany(c => c).ToArray();
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.Latin1.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    public static byte[] JpegSegment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return segment;
    }

    /// <summary>Inserts bytes into a JPEG right after SOI.</summary>
    public static byte[] AfterSoi(byte[] jpeg, params byte[][] segments) => [.. jpeg[..2], .. segments.SelectMany(s => s), .. jpeg[2..]];

    /// <summary>
    /// The smallest ICC profile readers accept: a v2 display RGB header of 128 bytes and an empty tag table,
    /// enough to show that a colour profile is kept.
    /// </summary>
    public static byte[] MinimalIccProfile()
    {
        var icc = new byte[132];
        BinaryPrimitives.WriteUInt32BigEndian(icc, (uint)icc.Length);
        "none"u8.CopyTo(icc.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(8), 0x02100000);
        "mntrRGB XYZ "u8.CopyTo(icc.AsSpan(12));
        "acsp"u8.CopyTo(icc.AsSpan(36));
        return icc;
    }

    /// <summary>One APP2 segment holding a whole ICC profile (chunk 1 of 1).</summary>
    public static byte[] JpegIccSegment(byte[] profile) => JpegSegment(0xE2, [.. "ICC_PROFILE\0"u8, 1, 1, .. profile]);

    /// <summary>A PNG chunk: length, type, data and the CRC over type and data.</summary>
    public static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>Inserts chunks into a PNG right after IHDR.</summary>
    public static byte[] AfterIhdr(byte[] png, params byte[][] chunks) => [.. png[..33], .. chunks.SelectMany(c => c), .. png[33..]];

    /// <summary>A GIF extension block: introducer, label, then <paramref name="data"/> cut into sub-blocks of at most 255 bytes.</summary>
    public static byte[] GifExtension(byte label, byte[] header, byte[] data)
    {
        using var ms = new MemoryStream();
        ms.Write([0x21, label]);
        if (header.Length > 0)
        {
            ms.WriteByte((byte)header.Length);
            ms.Write(header);
        }

        for (var pos = 0; pos < data.Length; pos += 255)
        {
            var n = Math.Min(255, data.Length - pos);
            ms.WriteByte((byte)n);
            ms.Write(data, pos, n);
        }

        ms.WriteByte(0);
        return ms.ToArray();
    }

    /// <summary>
    /// The XMP application extension as the XMP specification (part 3) lays it out: the packet as raw bytes,
    /// not cut into sub-blocks, then the 258-byte "magic trailer" that makes a sub-block walk end on the
    /// block terminator wherever in the packet it started.
    /// </summary>
    public static byte[] GifXmpExtension(byte[] packet) =>
        [0x21, 0xFF, 11, .. "XMP DataXMP"u8, .. packet, 0x01, .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i)), 0x00];

    /// <summary>Inserts blocks into a GIF right before its trailer (its last byte).</summary>
    public static byte[] BeforeGifTrailer(byte[] gif, params byte[][] blocks) => [.. gif[..^1], .. blocks.SelectMany(b => b), gif[^1]];

    /// <summary>A RIFF chunk: type, little-endian size, data and the pad byte an odd size needs.</summary>
    public static byte[] RiffChunk(string type, byte[] data)
    {
        var chunk = new byte[8 + data.Length + (data.Length & 1)];
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
        data.CopyTo(chunk, 8);
        return chunk;
    }

    /// <summary>A RIFF file of form <paramref name="form"/> (<c>WEBP</c>, <c>WAVE</c>) made of the given chunks.</summary>
    public static byte[] Riff(string form, params byte[][] chunks)
    {
        byte[] body = [.. Encoding.ASCII.GetBytes(form), .. chunks.SelectMany(c => c)];
        var riff = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)body.Length);
        body.CopyTo(riff, 8);
        return riff;
    }
}
