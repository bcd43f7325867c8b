using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>
/// Writer variants found in the outside corpus (<see cref="OutsideCorpusTests"/>), each rebuilt in code:
/// TIFF IPTC stored as LONG with zero padding, a Photoshop block nested in a PNG raw profile, IPTC in a
/// JPEG's AFCP trailer, and digiKam's old namespace.
/// </summary>
public sealed class ReaderVariantCorpusFixesTests
{
    private const ushort TypeUndefined = 7;
    private const ushort TypeLong = 4;

    [Fact]
    public void Tiff_iptc_stored_as_long_with_zero_padding_is_read()
    {
        var iim = Iim("LL-1001", "groep8"); // 7 + 12 + 11 bytes, padded to a multiple of four as Photoshop does
        Assert.NotEqual(0, iim.Length % 4);

        var result = Read(Tiff(TypeLong, Padded(iim, 4)), "scan.tif");

        Assert.Empty(result.Problems);
        Assert.Equal(["LL-1001", "groep8"], result.Keywords.Select(k => k.Value));
        Assert.All(result.Keywords, k => Assert.Contains("TIFF tag 33723", k.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Tiff_iptc_without_padding_is_still_read()
    {
        var result = Read(Tiff(TypeUndefined, Iim("MW-2001")), "scan.tif");

        Assert.Empty(result.Problems);
        Assert.Equal("MW-2001", Assert.Single(result.Keywords).Value);
    }

    [Fact]
    public void Tiff_iptc_followed_by_bytes_that_are_not_padding_is_unreadable()
    {
        var result = Read(Tiff(TypeUndefined, [.. Iim("LL-1001"), 0, 0, 0x1D, 0]), "scan.tif");

        Assert.Contains(result.Problems, p => p.Code == "unreadable" && p.Message.Contains("33723", StringComparison.Ordinal));
    }

    [Fact]
    public void Png_raw_profile_8bim_with_photoshop_resources_nested_in_its_iptc_resource_is_read_and_so_is_the_next_chunk()
    {
        var nested = Resource(0x0404, Resource(0x0404, Iim("LL-1002")));
        var png = Png(
            ("tEXt", RawProfile("8bim", nested)),
            ("tEXt", RawProfile("iptc", Resource(0x0404, Iim("groep8")))));

        var result = Read(png, "photo.png");

        Assert.Empty(result.Problems);
        Assert.Equal(["LL-1002", "groep8"], result.Keywords.Select(k => k.Value));
    }

    [Fact]
    public void Photoshop_resources_nested_deeper_than_one_level_are_unreadable()
    {
        var nested = Resource(0x0404, Resource(0x0404, Resource(0x0404, Iim("LL-1002"))));

        var result = Read(Png(("tEXt", RawProfile("8bim", nested))), "photo.png");

        Assert.Contains(result.Problems, p => p.Code == "unreadable");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Iptc_in_an_afcp_trailer_after_the_jpeg_is_read(bool bigEndian)
    {
        var jpeg = MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("sportdag")));

        var result = Read([.. jpeg, .. Afcp(jpeg.Length, Iim("LL-1001"), bigEndian)], "photo.jpg");

        Assert.Empty(result.Problems);
        var keyword = Assert.Single(result.Keywords, k => k.Value == "LL-1001");
        Assert.Contains("AFCP", keyword.Source, StringComparison.Ordinal);
        Assert.Contains(result.Keywords, k => k.Value == "sportdag");
    }

    [Fact]
    public void Afcp_trailer_that_points_to_no_afcp_header_is_unreadable()
    {
        var jpeg = MediaBuilder.Jpeg(null);

        var result = Read([.. jpeg, .. Afcp(jpeg.Length + 1, Iim("LL-1001"), bigEndian: true)], "photo.jpg");

        Assert.Contains(result.Problems, p => p.Code == "unreadable" && p.Message.Contains("AFCP", StringComparison.Ordinal));
    }

    [Fact]
    public void Afcp_trailer_of_a_large_jpeg_is_found_without_reading_the_image_data()
    {
        var header = MediaBuilder.Jpeg(null, imageBytes: 0);
        const long imageBytes = 6 * 1024 * 1024;
        var start = header.Length + imageBytes;
        var stream = new SparseStream().Bytes(header[..^2]).Zeros(imageBytes).Bytes([0xFF, 0xD9]).Bytes(Afcp(start, Iim("LL-1002"), bigEndian: true));

        var result = new TagReader().Read(stream, "photo.jpg");

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1002", Assert.Single(result.Keywords).Value);
        Assert.True(stream.BytesServed <= header.Length + (128 * 1024), $"read {stream.BytesServed} bytes of a 6 MiB JPEG");
    }

    [Fact]
    public void Digikam_4_tagslist_in_the_old_namespace_gives_every_level()
    {
        var xmp = MediaBuilder.Xmp(
            "<rdf:Description rdf:about=\"\" xmlns:digiKam=\"http://www.digikam.org/\"><digiKam:TagsList><rdf:Seq>" +
            "<rdf:li>Mensen/Leerlingen/LL-1001</rdf:li></rdf:Seq></digiKam:TagsList></rdf:Description>");

        var result = Read(MediaBuilder.Jpeg(xmp), "photo.jpg");

        Assert.Empty(result.Problems);
        Assert.Equal(["Mensen", "Leerlingen", "LL-1001"], result.Keywords.Select(k => k.Value));
        Assert.All(result.Keywords, k => Assert.Contains("digiKam:TagsList", k.Source, StringComparison.Ordinal));
    }

    private static TagReadResult Read(byte[] file, string name)
    {
        using var stream = new MemoryStream(file);
        return new TagReader().Read(stream, name);
    }

    /// <summary>IPTC IIM: 2:00 record version 4, then one 2:25 Keywords dataset per keyword.</summary>
    private static byte[] Iim(params string[] keywords)
    {
        var bytes = new List<byte> { 0x1C, 2, 0, 0, 2, 0, 4 };
        foreach (var keyword in keywords)
        {
            var value = Encoding.ASCII.GetBytes(keyword);
            bytes.AddRange([0x1C, 2, 25, (byte)(value.Length >> 8), (byte)value.Length]);
            bytes.AddRange(value);
        }

        return [.. bytes];
    }

    private static byte[] Padded(byte[] bytes, int multiple) => [.. bytes, .. new byte[(multiple - (bytes.Length % multiple)) % multiple]];

    /// <summary>A little-endian TIFF whose IFD0 holds ImageWidth and tag 33723 (IPTC-NAA) of the given type.</summary>
    private static byte[] Tiff(ushort iptcType, byte[] iptc)
    {
        const int dataOffset = 8 + 2 + (2 * 12) + 4;
        var tiff = new byte[dataOffset + iptc.Length];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 2);
        Entry(tiff.AsSpan(10), 0x0100, 3, 1, 1); // ImageWidth SHORT 1
        var count = iptcType == TypeLong ? iptc.Length / 4 : iptc.Length;
        Entry(tiff.AsSpan(22), 0x83BB, iptcType, (uint)count, dataOffset);
        iptc.CopyTo(tiff, dataOffset);
        return tiff;

        static void Entry(Span<byte> entry, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], count);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], value);
        }
    }

    /// <summary>A Photoshop image resource block: <c>8BIM</c>, id, empty name, size, data padded to even.</summary>
    private static byte[] Resource(ushort id, byte[] data)
    {
        var block = new byte[12 + data.Length + (data.Length % 2)];
        "8BIM"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(4), id);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(8), (uint)data.Length);
        data.CopyTo(block, 12);
        return block;
    }

    /// <summary>ImageMagick's "Raw profile type NAME" text: newline, name, newline, length, newline, hex lines.</summary>
    private static byte[] RawProfile(string name, byte[] data)
    {
        var hex = Convert.ToHexStringLower(data);
        var lines = string.Join("\n", Enumerable.Range(0, (hex.Length + 71) / 72).Select(i => hex.Substring(i * 72, Math.Min(72, hex.Length - (i * 72)))));
        return Encoding.Latin1.GetBytes($"Raw profile type {name}\0\n{name}\n{data.Length,8}\n{lines}\n");
    }

    /// <summary>A 1x1 PNG with the given chunks between IHDR and IDAT.</summary>
    private static byte[] Png(params (string Type, byte[] Data)[] chunks)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(ms, "IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        foreach (var (type, data) in chunks)
        {
            Chunk(ms, type, data);
        }

        Chunk(ms, "IDAT", [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
            s.Write(word);
            byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
            s.Write(typed);
            BinaryPrimitives.WriteUInt32BigEndian(word, System.IO.Hashing.Crc32.HashToUInt32(typed));
            s.Write(word);
        }
    }

    /// <summary>
    /// An AFCP block to append at <paramref name="start"/> (offsets are absolute): header, one IPTC entry,
    /// the IPTC data, and the 12-byte trailer that points back to the header.
    /// </summary>
    private static byte[] Afcp(long start, byte[] iim, bool bigEndian)
    {
        var signature = bigEndian ? "AXS!"u8 : "AXS*"u8;
        var block = new byte[12 + 12 + iim.Length + 12];
        signature.CopyTo(block);
        Write16(block.AsSpan(4), 1); // version
        Write16(block.AsSpan(6), 1); // entries
        "IPTC"u8.CopyTo(block.AsSpan(12));
        Write32(block.AsSpan(16), (uint)iim.Length);
        Write32(block.AsSpan(20), (uint)(start + 24));
        iim.CopyTo(block, 24);
        var trailer = block.AsSpan(24 + iim.Length);
        signature.CopyTo(trailer);
        Write32(trailer[4..], (uint)start);
        return block;

        void Write16(Span<byte> s, ushort v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(s, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(s, v);
            }
        }

        void Write32(Span<byte> s, uint v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(s, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(s, v);
            }
        }
    }
}
