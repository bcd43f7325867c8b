namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>
/// GIF: blocks are copied whole or left out. Kept are the header, colour tables, image blocks (with
/// their LZW data unchanged), graphic control extensions, the looping application extensions
/// (<c>NETSCAPE2.0</c>, <c>ANIMEXTS1.0</c>) and the ICC profile (<c>ICCRGBG1012</c>), as the other
/// formats keep theirs. Dropped are comment extensions, plain text extensions, every other application
/// extension (in particular <c>XMP DataXMP</c>) and anything after the trailer.
/// </summary>
internal static class GifStripper
{
    private const int MaxBlocks = 1_000_000;

    public static OutputPlan Plan(SourceReader reader)
    {
        Span<byte> header = stackalloc byte[13];
        reader.Read(header, "the GIF header");
        if (!header.StartsWith("GIF87a"u8) && !header.StartsWith("GIF89a"u8))
        {
            throw StrippingException.Unreadable("the content is not a GIF file");
        }

        SkipColorTable(reader, header[10]);
        var plan = new OutputPlan();
        plan.Copy(0, reader.Position);
        Span<byte> descriptor = stackalloc byte[9];
        Span<byte> application = stackalloc byte[11];
        for (var blocks = 0; blocks < MaxBlocks; blocks++)
        {
            var start = reader.Position;
            switch (reader.ReadByte())
            {
                case -1:
                    throw StrippingException.Unreadable("the GIF ends without its trailer");
                case 0x3B:
                    plan.Copy(start, 1);
                    return plan;
                case 0x2C:
                    reader.Read(descriptor, "a GIF image descriptor");
                    SkipColorTable(reader, descriptor[8]);
                    reader.Byte("a GIF image"); // LZW minimum code size
                    SkipSubBlocks(reader);
                    plan.Copy(start, reader.Position - start);
                    break;
                case 0x21:
                    var label = reader.Byte("a GIF extension");
                    var keep = label == 0xF9; // graphic control
                    if (label == 0xFF)
                    {
                        var size = reader.Byte("a GIF application extension");
                        if (size == application.Length)
                        {
                            reader.Read(application, "a GIF application extension");
                            keep = application.SequenceEqual("NETSCAPE2.0"u8) || application.SequenceEqual("ANIMEXTS1.0"u8)
                                || application.SequenceEqual("ICCRGBG1012"u8);
                        }
                        else
                        {
                            reader.Skip(size, "a GIF application extension");
                        }
                    }

                    // Sub-blocks are walked by their lengths: the XMP packet's "magic trailer" is made so
                    // that this walk ends exactly at its terminator.
                    SkipSubBlocks(reader);
                    if (keep)
                    {
                        plan.Copy(start, reader.Position - start);
                    }

                    break;
                default:
                    throw StrippingException.Unreadable("the GIF has an unknown block");
            }
        }

        throw StrippingException.Unreadable("the GIF has too many blocks");
    }

    internal static void SkipColorTable(SourceReader reader, byte packed)
    {
        if ((packed & 0x80) != 0)
        {
            reader.Skip(3 * (1 << ((packed & 0x07) + 1)), "a GIF colour table");
        }
    }

    internal static void SkipSubBlocks(SourceReader reader)
    {
        int length;
        while ((length = reader.Byte("a GIF data block")) != 0)
        {
            reader.Skip(length, "a GIF data block");
        }
    }
}
