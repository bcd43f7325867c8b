using Kalisto.MediaGate.Imaging.Stripping;

namespace Kalisto.MediaGate.Imaging.Publishing;

/// <summary>
/// GIF: everything is searched except the LZW data of the images: the header, colour tables, image
/// descriptors, every extension (as it stands, and with its sub-blocks joined, so text that a sub-block
/// boundary splits is found) and anything after the trailer.
/// </summary>
internal static class GifCheck
{
    private const int MaxBlocks = 1_000_000;

    public static void Check(SourceReader reader, RangeSearch search)
    {
        Span<byte> header = stackalloc byte[13];
        reader.Read(header, "the GIF header");
        if (!header.StartsWith("GIF87a"u8) && !header.StartsWith("GIF89a"u8))
        {
            throw StrippingException.Unreadable("the content is not a GIF file");
        }

        GifStripper.SkipColorTable(reader, header[10]);
        search.Add("the GIF header", 0, reader.Position);
        Span<byte> descriptor = stackalloc byte[9];
        for (var blocks = 0; blocks < MaxBlocks; blocks++)
        {
            var start = reader.Position;
            switch (reader.ReadByte())
            {
                case -1:
                    throw StrippingException.Unreadable("the GIF ends without its trailer");
                case 0x3B:
                    search.Add("the GIF trailer", start, 1);
                    search.Add($"the bytes after the GIF trailer at byte {start + 1}", start + 1, reader.Length - start - 1);
                    return;
                case 0x2C:
                    reader.Read(descriptor, "a GIF image descriptor");
                    GifStripper.SkipColorTable(reader, descriptor[8]);
                    search.Add($"the GIF image descriptor at byte {start}", start, reader.Position - start);
                    reader.Byte("a GIF image"); // LZW minimum code size
                    GifStripper.SkipSubBlocks(reader);
                    break;
                case 0x21:
                    var label = reader.Byte("a GIF extension");
                    var place = $"the GIF {Name(label)} at byte {start}";
                    var joined = JoinSubBlocks(reader, place);
                    var end = reader.Position;
                    search.Add(place, start, end - start);
                    search.Add($"{place} (its sub-blocks joined)", joined);
                    reader.Seek(end);
                    break;
                default:
                    throw StrippingException.Unreadable("the GIF has an unknown block");
            }
        }

        throw StrippingException.Unreadable("the GIF has too many blocks");
    }

    private static string Name(byte label) => label switch
    {
        0xFE => "comment extension",
        0xFF => "application extension",
        0x01 => "plain text extension",
        0xF9 => "graphic control extension",
        _ => $"extension 0x{label:X2}",
    };

    private static byte[] JoinSubBlocks(SourceReader reader, string place)
    {
        using var joined = new MemoryStream();
        Span<byte> block = stackalloc byte[255];
        int length;
        while ((length = reader.Byte(place)) != 0)
        {
            reader.Read(block[..length], place);
            joined.Write(block[..length]);
            if (joined.Length > SourceReader.MaxStructureBytes)
            {
                throw StrippingException.TooLarge($"{place} is larger than {SourceReader.MaxStructureBytes / (1024 * 1024)} MB");
            }
        }

        return joined.ToArray();
    }
}
