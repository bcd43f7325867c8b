using System.Text;

namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>
/// GIF: the XMP application extension (<c>XMP DataXMP</c>).
/// </summary>
/// <remarks>
/// Walked here because MetadataExtractor's GIF reader hands the packet to XmpCore (see
/// <see cref="XmpPacketReader"/>). Image data is skipped sub-block by sub-block without being kept.
/// </remarks>
internal static class GifTagReader
{
    private const int MaxBlocks = 1_000_000;

    public static void Read(Stream stream, TagCollector tags)
    {
        Span<byte> header = stackalloc byte[13];
        Span<byte> descriptor = stackalloc byte[9];
        stream.ReadExactlyOrThrow(header, "the GIF header");
        SkipColorTable(stream, header[10]);
        for (var blocks = 0; blocks < MaxBlocks; blocks++)
        {
            var introducer = stream.ReadByte();
            switch (introducer)
            {
                case -1:
                    throw new UnreadableMetadataException("the GIF ends without its trailer");
                case 0x3B:
                    return;
                case 0x2C:
                    stream.ReadExactlyOrThrow(descriptor, "a GIF image descriptor");
                    SkipColorTable(stream, descriptor[8]);
                    Byte(stream); // LZW minimum code size
                    SkipSubBlocks(stream);
                    break;
                case 0x21:
                    Extension(stream, tags);
                    break;
                default:
                    throw new UnreadableMetadataException("the GIF has an unknown block");
            }
        }

        throw new UnreadableMetadataException("the GIF has too many blocks");
    }

    private static void Extension(Stream stream, TagCollector tags)
    {
        var label = Byte(stream);
        if (label == 0xFE && tags.ExaminesText)
        {
            tags.Examined(Encoding.Latin1.GetString(SubBlocks(stream, "a GIF comment", tags)), "a GIF comment extension");
            return;
        }

        if (label != 0xFF)
        {
            SkipSubBlocks(stream);
            return;
        }

        var size = Byte(stream);
        var application = new byte[size];
        stream.ReadExactlyOrThrow(application, "a GIF application extension");
        if (size != 11 || !application.AsSpan().SequenceEqual("XMP DataXMP"u8))
        {
            SkipSubBlocks(stream);
            return;
        }

        // The packet is stored raw; its bytes double as sub-block lengths, and a 258-byte
        // "magic trailer" ends the chain. Collect everything, then cut after the packet's end.
        using var raw = new MemoryStream();
        int length;
        while ((length = Byte(stream)) != 0)
        {
            raw.WriteByte((byte)length);
            tags.Account(length + 1, "GIF XMP");
            var block = new byte[length];
            stream.ReadExactlyOrThrow(block, "the GIF XMP");
            raw.Write(block);
        }

        var bytes = raw.ToArray();
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.LastIndexOf("<?xpacket end", StringComparison.Ordinal);
        var close = end >= 0 ? text.IndexOf("?>", end, StringComparison.Ordinal) : -1;
        if (close < 0)
        {
            close = text.LastIndexOf("</x:xmpmeta>", StringComparison.Ordinal);
            close = close < 0 ? -1 : close + "</x:xmpmeta>".Length - 2;
        }

        if (close < 0)
        {
            throw new UnreadableMetadataException("the GIF XMP packet has no end");
        }

        XmpPacketReader.Read(bytes.AsSpan(0, close + 2), "GIF application extension", tags);
    }

    private static byte[] SubBlocks(Stream stream, string what, TagCollector tags)
    {
        using var data = new MemoryStream();
        int length;
        while ((length = Byte(stream)) != 0)
        {
            data.Write(stream.ReadBlock(length, what, tags));
        }

        return data.ToArray();
    }

    private static void SkipColorTable(Stream stream, byte packed)
    {
        if ((packed & 0x80) != 0)
        {
            Skip(stream, 3 * (1 << ((packed & 0x07) + 1)));
        }
    }

    private static void SkipSubBlocks(Stream stream)
    {
        int length;
        while ((length = Byte(stream)) != 0)
        {
            Skip(stream, length);
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (count > stream.Length - stream.Position)
        {
            throw new UnreadableMetadataException("the GIF ends inside a block");
        }

        stream.Seek(count, SeekOrigin.Current);
    }

    private static byte Byte(Stream stream)
    {
        var b = stream.ReadByte();
        return b < 0 ? throw new UnreadableMetadataException("the GIF ends inside a block") : (byte)b;
    }
}
