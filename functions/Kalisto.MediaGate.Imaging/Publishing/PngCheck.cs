using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Tags.Formats;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// PNG: every chunk, wherever it stands (also after <c>IEND</c>), is searched whole (length, type, data
/// and CRC), except the data of <c>IDAT</c> and <c>fdAT</c>; the compressed text of <c>zTXt</c>,
/// <c>iTXt</c> and <c>iCCP</c> is searched inflated too, and an <c>eXIf</c> chunk is walked for a GPS
/// pointer. What follows the last chunk that can be read is searched as it is.
/// </summary>
internal static class PngCheck
{
    private const int MaxChunks = 1_000_000;
    /// <summary>Most bytes inflated for one copy, all its compressed chunks together (a deflate stream expands up to 1,032 times).</summary>
    private const int MaxInflatedBytes = 64 * 1024 * 1024;
    private const string ImageDataHeaders = "the headers of the PNG image data chunks";

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void Check(SourceReader reader, RangeSearch search, CancellationToken cancellationToken)
    {
        Span<byte> header = stackalloc byte[8];
        reader.Read(header, "the PNG signature");
        if (!header.SequenceEqual(Signature))
        {
            throw StrippingException.Unreadable("the content is not a PNG file");
        }

        search.Add("the PNG signature", 0, 8);
        var ended = false;
        var inflated = 0L;
        for (var i = 0; i < MaxChunks; i++)
        {
            var start = reader.Position;
            if (start == reader.Length)
            {
                if (!ended)
                {
                    throw StrippingException.Unreadable("the PNG ends without its IEND chunk");
                }

                return;
            }

            if (reader.Remaining < 12 || !ReadHeader(reader, header, out var length, out var type))
            {
                if (!ended)
                {
                    throw StrippingException.Unreadable("the PNG has a damaged chunk");
                }

                // Not a chunk: whatever follows IEND is searched as it stands.
                search.Add($"the bytes after the PNG's IEND chunk at byte {start}", start, reader.Length - start);
                return;
            }

            var end = start + 12 + length;
            if (type is "IDAT" or "fdAT")
            {
                search.Add(ImageDataHeaders, start, 8);
                search.Add(ImageDataHeaders, end - 4, 4);
            }
            else
            {
                Chunk(reader, search, type, start, length, ref inflated, cancellationToken);
            }

            ended |= type == "IEND";
            reader.Seek(end);
        }

        throw StrippingException.Unreadable("the PNG has too many chunks");
    }

    private static bool ReadHeader(SourceReader reader, Span<byte> header, out long length, out string type)
    {
        reader.Read(header, "a PNG chunk header");
        length = BinaryPrimitives.ReadUInt32BigEndian(header);
        type = Encoding.Latin1.GetString(header[4..]);
        return type.All(char.IsAsciiLetter) && length <= int.MaxValue && length + 4 <= reader.Remaining;
    }

    /// <summary>
    /// A chunk other than image data, searched whole. The compressed data of <c>zTXt</c>, <c>iTXt</c> and
    /// <c>iCCP</c> is searched as binary data and again inflated (a colour profile as binary data); the
    /// hex digits of ImageMagick's "Raw profile type" text chunks are searched decoded too.
    /// </summary>
    private static void Chunk(SourceReader reader, RangeSearch search, string type, long start, long length, ref long inflatedTotal, CancellationToken cancellationToken)
    {
        var place = $"the PNG '{type}' chunk at byte {start}";
        if (type is not ("tEXt" or "zTXt" or "iTXt" or "iCCP" or "eXIf"))
        {
            search.Add(place, start, 12 + length);
            return;
        }

        reader.Seek(start + 8);
        var data = reader.ReadBytes(length, place);
        if (type == "eXIf")
        {
            search.Add(place, start, 12 + length);
            TiffCheck.CheckExif(data.AsSpan().StartsWith("Exif\0\0"u8) ? data[6..] : data, place, cancellationToken);
            return;
        }

        var keyword = Array.IndexOf(data, (byte)0);
        if (keyword < 0)
        {
            throw StrippingException.Unreadable($"{place} is damaged");
        }

        var text = type switch
        {
            "tEXt" => keyword + 1,
            "iTXt" => ITextPayload(data, keyword + 1, place),
            _ => keyword + 2,
        };
        if (text > data.Length)
        {
            throw StrippingException.Unreadable($"{place} is damaged");
        }

        var compressed = type is "zTXt" or "iCCP" || (type == "iTXt" && data[keyword + 1] != 0);
        if (!compressed)
        {
            search.Add(place, start, 12 + length);
            RawProfile(search, data.AsSpan(0, keyword), data[text..], place);
            return;
        }

        search.Add(place, start, 8 + text);
        search.Add(place, start + 8 + text, length - text + 4, binary: true);
        var inflated = Inflate(data.AsMemory(text), place, ref inflatedTotal);
        search.Add($"{place} (inflated)", inflated, binary: type == "iCCP");
        if (type != "iCCP")
        {
            RawProfile(search, data.AsSpan(0, keyword), inflated, place);
        }
    }

    /// <summary>ImageMagick writes EXIF, IPTC, XMP and colour profiles into text chunks as hex digits.</summary>
    private static void RawProfile(RangeSearch search, ReadOnlySpan<byte> keyword, byte[] text, string place)
    {
        if (!Encoding.Latin1.GetString(keyword).StartsWith("Raw profile type ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        byte[] profile;
        try
        {
            profile = PngTagReader.RawProfile(text);
        }
        catch (UnreadableMetadataException e)
        {
            throw StrippingException.Unreadable($"{place}: {e.Message}");
        }

        var name = Encoding.Latin1.GetString(keyword)["Raw profile type ".Length..];
        search.Add($"{place} (its hex digits decoded)", profile, binary: name.Equals("icc", StringComparison.OrdinalIgnoreCase) || name.Equals("icm", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where the text of an iTXt chunk starts (after its flags, language and translated keyword).</summary>
    private static int ITextPayload(byte[] data, int position, string place)
    {
        if (position + 2 > data.Length)
        {
            throw StrippingException.Unreadable($"{place} is damaged");
        }

        var language = Array.IndexOf(data, (byte)0, position + 2);
        var translated = language < 0 ? -1 : Array.IndexOf(data, (byte)0, language + 1);
        return translated < 0 ? throw StrippingException.Unreadable($"{place} is damaged") : translated + 1;
    }

    private static byte[] Inflate(ReadOnlyMemory<byte> compressed, string place, ref long total)
    {
        using var source = new MemoryStream(compressed.ToArray(), writable: false);
        using var inflater = new ZLibStream(source, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81_920];
        try
        {
            int n;
            while ((n = inflater.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, n);
                total += n;
                if (total > MaxInflatedBytes)
                {
                    throw StrippingException.Unreadable($"the compressed PNG chunks up to {place} inflate to more than {MaxInflatedBytes / (1024 * 1024)} MB");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw StrippingException.Unreadable($"the compressed data of {place} is damaged");
        }

        return output.ToArray();
    }
}
