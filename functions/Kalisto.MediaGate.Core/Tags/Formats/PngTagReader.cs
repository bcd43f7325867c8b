using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// PNG: XMP in <c>iTXt</c> (<c>XML:com.adobe.xmp</c>), EXIF in <c>eXIf</c>, and ImageMagick's
/// hex-encoded "Raw profile type" text chunks.
/// </summary>
/// <remarks>
/// The chunk list is walked here by seeking from header to header: MetadataExtractor's PNG chunk
/// reader reads every byte of the image data on the way (a 3 MB PNG is read whole), and its full
/// reader sends XMP to XmpCore (see <see cref="XmpPacketReader"/>).
/// </remarks>
internal static class PngTagReader
{
    private const string XmpKeyword = "XML:com.adobe.xmp";
    private const int MaxChunks = 1_000_000;

    public static void Read(Stream stream, TagCollector tags)
    {
        ReadChunks(stream, tags);
        if (tags.NeedsImageSize && stream.Length >= 24)
        {
            // IHDR, the first chunk: width and height, for regions given in pixels.
            Span<byte> size = stackalloc byte[8];
            stream.Position = 16;
            stream.ReadExactlyOrThrow(size, "the PNG header");
            tags.ImageSize = (BinaryPrimitives.ReadUInt32BigEndian(size), BinaryPrimitives.ReadUInt32BigEndian(size[4..]));
        }
    }

    private static void ReadChunks(Stream stream, TagCollector tags)
    {
        foreach (var (type, bytes) in Chunks(stream, tags))
        {
            if (type == "eXIf")
            {
                var tiff = bytes.AsSpan().StartsWith("Exif\0\0"u8) ? bytes[6..] : bytes;
                ExifTagReader.Read(tiff, "PNG eXIf", tags);
            }
            else if (type == "iTXt")
            {
                var (keyword, text) = InternationalText(bytes, tags);
                Text(keyword, text, "PNG iTXt", tags);
            }
            else if (type == "tEXt")
            {
                var (keyword, rest) = Keyword(bytes);
                Text(keyword, bytes[rest..], "PNG tEXt", tags);
            }
            else if (type == "zTXt")
            {
                var (keyword, rest) = Keyword(bytes);
                if (rest >= bytes.Length || bytes[rest] != 0)
                {
                    throw new UnreadableMetadataException("PNG zTXt chunk has an unknown compression method");
                }

                Text(keyword, Inflate(bytes.AsSpan(rest + 1), tags), "PNG zTXt", tags);
            }
        }
    }

    private static IEnumerable<(string Type, byte[] Data)> Chunks(Stream stream, TagCollector tags)
    {
        var header = new byte[8];
        stream.Position = 8; // signature
        var afterEnd = false;
        for (var i = 0; i < MaxChunks; i++)
        {
            if (stream.Position == stream.Length)
            {
                yield break; // the end of the file (with or without IEND)
            }

            if (afterEnd && stream.Length - stream.Position < 12)
            {
                yield break; // a few trailing bytes, too short to be a chunk
            }

            stream.ReadExactlyOrThrow(header, "a PNG chunk header");
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.Latin1.GetString(header, 4, 4);
            var fits = length <= int.MaxValue && length + 4L <= stream.Length - stream.Position;
            if (afterEnd && (!fits || !type.All(char.IsAsciiLetter)))
            {
                yield break; // data after IEND that is no chunk (a trailer some tools append)
            }

            if (!fits)
            {
                throw new UnreadableMetadataException($"PNG chunk '{IsoBoxReader.Printable(type)}' runs past the end of the file");
            }

            if (type is "iTXt" or "tEXt" or "zTXt" or "eXIf")
            {
                var data = stream.ReadBlock(length, $"PNG {type} chunk", tags);
                stream.Seek(4, SeekOrigin.Current); // CRC
                yield return (type, data);
            }
            else
            {
                // Chunks after IEND are read too: exiftool reads them, so a tag may hide there.
                afterEnd |= type == "IEND";
                stream.Seek(length + 4L, SeekOrigin.Current);
            }
        }

        throw new UnreadableMetadataException("the PNG has too many chunks");
    }

    private static void Text(string keyword, byte[] text, string container, TagCollector tags)
    {
        if (keyword == XmpKeyword)
        {
            XmpPacketReader.Read(text, container, tags);
            return;
        }

        if (!keyword.StartsWith("Raw profile type ", StringComparison.OrdinalIgnoreCase))
        {
            tags.Examined(Encoding.UTF8.GetString(text), $"{container} '{keyword}'");
            return;
        }

        var profile = keyword["Raw profile type ".Length..].ToUpperInvariant();
        var data = RawProfile(text);
        switch (profile)
        {
            case "XMP":
                XmpPacketReader.Read(data, $"{container} raw profile", tags);
                break;
            case "EXIF" or "APP1":
                ExifTagReader.Read(data.AsSpan().StartsWith("Exif\0\0"u8) ? data[6..] : data, $"{container} raw profile", tags);
                break;
            case "IPTC" when data.AsSpan().StartsWith("8BIM"u8):
                // ImageMagick stores Photoshop resources under this name.
                PhotoshopResources.Read(data, $"{container} raw profile", tags);
                break;
            case "IPTC":
                IptcTagReader.Read(data, $"{container} raw profile", tags);
                break;
            case "8BIM":
                PhotoshopResources.Read(data, $"{container} raw profile", tags);
                break;
            default:
                break;
        }
    }

    private static (string Keyword, int TextStart) Keyword(byte[] bytes)
    {
        var end = Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 80));
        if (end < 1)
        {
            throw new UnreadableMetadataException("PNG text chunk has no keyword");
        }

        return (Encoding.Latin1.GetString(bytes, 0, end), end + 1);
    }

    private static (string Keyword, byte[] Text) InternationalText(byte[] bytes, TagCollector tags)
    {
        var (keyword, pos) = Keyword(bytes);
        if (pos + 2 > bytes.Length)
        {
            throw new UnreadableMetadataException("PNG iTXt chunk is truncated");
        }

        var compressed = bytes[pos] == 1;
        pos += 2; // compression flag and method
        for (var skip = 0; skip < 2; skip++)
        {
            // language tag, translated keyword
            var end = Array.IndexOf(bytes, (byte)0, pos);
            if (end < 0)
            {
                throw new UnreadableMetadataException("PNG iTXt chunk is truncated");
            }

            pos = end + 1;
        }

        return (keyword, compressed ? Inflate(bytes.AsSpan(pos), tags) : bytes[pos..]);
    }

    private static byte[] Inflate(ReadOnlySpan<byte> data, TagCollector tags)
    {
        using var input = new MemoryStream(data.ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        try
        {
            while ((n = zlib.Read(buffer)) > 0)
            {
                tags.Account(n, "compressed PNG text");
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            throw new UnreadableMetadataException("PNG compressed text is damaged", e);
        }

        return output.ToArray();
    }

    /// <summary>ImageMagick's layout: newline, name, newline, length, newline, hex digits with newlines.</summary>
    internal static byte[] RawProfile(byte[] text)
    {
        var s = Encoding.Latin1.GetString(text);
        var lines = s.Split('\n', 4, StringSplitOptions.None);
        if (lines.Length < 4 || !int.TryParse(lines[2].Trim(), out var length) || length < 0)
        {
            throw new UnreadableMetadataException("PNG raw profile is malformed");
        }

        var hex = new StringBuilder(length * 2);
        foreach (var c in lines[3])
        {
            if (Uri.IsHexDigit(c))
            {
                hex.Append(c);
            }
        }

        if (hex.Length < length * 2)
        {
            throw new UnreadableMetadataException("PNG raw profile is shorter than it says");
        }

        return Convert.FromHexString(hex.ToString(0, length * 2));
    }
}
