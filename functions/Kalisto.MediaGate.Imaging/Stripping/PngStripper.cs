using System.Buffers.Binary;
using System.Text;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// PNG: chunks are copied whole (header, data and CRC unchanged) or left out. Kept are the critical
/// chunks and the ancillary chunks that only describe how to show the pixels (colour, transparency,
/// physical size, animation); dropped are the text chunks (<c>tEXt</c>, <c>zTXt</c>, <c>iTXt</c>, which
/// hold XMP and ImageMagick's raw profiles), <c>eXIf</c>, <c>tIME</c> and every unknown ancillary chunk.
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
}
