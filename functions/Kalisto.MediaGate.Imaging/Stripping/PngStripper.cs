using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// PNG: chunks are copied whole (header, data and CRC unchanged) or left out. Kept are the critical
/// chunks and the ancillary chunks that only describe how to show the pixels (colour, transparency,
/// physical size, animation); dropped are the text chunks (<c>tEXt</c>, <c>zTXt</c>, <c>iTXt</c>, which
/// hold XMP and ImageMagick's raw profiles), <c>tIME</c>, every unknown ancillary chunk and everything after
/// <c>IEND</c>. The first <c>eXIf</c> is replaced, where it stood, by a new one holding only its
/// orientation (as JPEG's EXIF is), or dropped when it has none or cannot be read; any other is dropped.
/// An unknown critical chunk (such as Apple's <c>CgBI</c>) is refused: the file is not a plain PNG.
/// </summary>
internal static class PngStripper
{
    private const int MaxChunks = 1_000_000;

    private static readonly HashSet<string> KeptChunks =
    [
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "cICP", "mDCv", "cLLi", "sBIT",
        "pHYs", "bKGD", "hIST", "acTL", "fcTL", "fdAT",
    ];

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static OutputPlan Plan(SourceReader reader)
    {
        Span<byte> header = stackalloc byte[8];
        reader.Read(header, "the PNG signature");
        if (!header.SequenceEqual(Signature))
        {
            throw StrippingException.Unreadable("the content is not a PNG file");
        }

        var plan = new OutputPlan();
        plan.Copy(0, 8);
        var exifSeen = false;
        for (var i = 0; i < MaxChunks; i++)
        {
            var start = reader.Position;
            if (start == reader.Length)
            {
                throw StrippingException.Unreadable("the PNG ends without its IEND chunk");
            }

            reader.Read(header, "a PNG chunk header");
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.Latin1.GetString(header[4..]);
            if (!type.All(char.IsAsciiLetter))
            {
                throw StrippingException.Unreadable("the PNG has a damaged chunk header");
            }

            if (length > int.MaxValue || length + 4L > reader.Remaining)
            {
                throw StrippingException.Unreadable($"PNG chunk '{type}' runs past the end of the file");
            }

            if (i == 0 && type != "IHDR")
            {
                throw StrippingException.Unreadable("the PNG does not start with IHDR");
            }

            var end = reader.Position + length + 4;
            if (KeptChunks.Contains(type))
            {
                plan.Copy(start, end - start);
            }
            else if (type == "eXIf" && !exifSeen)
            {
                exifSeen = true;
                var exif = reader.ReadBytes(length, "the PNG eXIf chunk");
                var tiff = exif.AsSpan().StartsWith("Exif\0\0"u8) ? exif.AsSpan(6) : exif; // a header some writers add
                if (Tiff.Orientation(tiff) is { } orientation)
                {
                    plan.Write(Chunk("eXIf", Tiff.OrientationOnly(orientation)));
                }
            }
            else if (char.IsAsciiLetterUpper(type[0]))
            {
                throw StrippingException.Unsupported($"the PNG has an unknown critical chunk '{type}'");
            }

            if (type == "IEND")
            {
                return plan; // anything after IEND is dropped
            }

            reader.Seek(end);
        }

        throw StrippingException.Unreadable("the PNG has too many chunks");
    }

    /// <summary>A new chunk: length, type, data and the CRC-32 of type and data.</summary>
    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }
}
