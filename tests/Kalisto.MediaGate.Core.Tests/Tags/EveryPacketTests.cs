using System.Buffers.Binary;
using System.Text;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>
/// SPEC §3.1 "Every packet, every page": each place where exiftool reads a tag that writers really
/// produce, in a fixture made here that has only that place.
/// </summary>
public sealed class EveryPacketTests
{
    private static readonly byte[] StandardXmpHeader = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();

    private static TagReadResult Read(byte[] content, string name = "photo.jpg") =>
        new TagReader().Read(new MemoryStream(content), name);

    private static void AssertKeywords(TagReadResult result, params string[] expected)
    {
        Assert.Empty(result.Problems);
        Assert.Equal(expected, result.Keywords.Select(k => k.Value));
    }

    private static byte[] Packet(string id) => Encoding.UTF8.GetBytes(MediaBuilder.Xmp(MediaBuilder.DcSubject(id)));

    private static byte[] App1(params byte[][] parts) => MediaBuilder.JpegSegment(0xE1, [.. parts.SelectMany(p => p)]);

    [Fact]
    public void Xmp_in_app1_with_the_short_xmp_header()
    {
        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1("XMP\0"u8.ToArray(), Packet("LL-1001")))), "LL-1001");
    }

    [Fact]
    public void Xmp_in_app1_without_any_header()
    {
        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1(Packet("LL-1001")))), "LL-1001");
    }

    [Fact]
    public void Xmp_in_app1_with_a_space_before_the_nul_of_the_header()
    {
        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1("http://ns.adobe.com/xap/1.0/ \0"u8.ToArray(), Packet("LL-1001")))), "LL-1001");
    }

    [Fact]
    public void Two_packets_in_one_app1_are_both_read()
    {
        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1(StandardXmpHeader, Packet("LL-1001"), Packet("LL-1002")))), "LL-1001", "LL-1002");
    }

    [Fact]
    public void Properties_after_the_packet_trailer_are_read()
    {
        var after = Encoding.UTF8.GetBytes(
            "<rdf:Description xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" " + MediaBuilder.DcSubject("LL-1002")[17..]);

        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1(StandardXmpHeader, Packet("LL-1001"), after))), "LL-1001", "LL-1002");
    }

    [Fact]
    public void Names_in_the_broken_tail_of_an_older_packet_are_persons()
    {
        // Lightroom leaves the end of the previous packet after the trailer: no XML of its own.
        var tail = "li>\n<rdf:Description mwg-rs:Name=\"Noah Bakker\" mwg-rs:Type=\"Face\"/></rdf:li></rdf:Bag></mwg-rs:RegionList><?xpacket end=\"r\"?>"u8.ToArray();

        var result = Read(MediaBuilder.Jpeg(null, 16, App1(StandardXmpHeader, Packet("LL-1001"), tail)));

        Assert.Empty(result.Problems);
        Assert.Equal("Noah Bakker", Assert.Single(result.Persons).Value);
    }

    [Fact]
    public void Xmp_without_rdf_rdf_is_read()
    {
        var xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:Description xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" rdf:about=\"\" " +
            "xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>LL-1001</rdf:li></rdf:Bag>" +
            "</Iptc4xmpExt:PersonInImage></rdf:Description></x:xmpmeta>";

        var result = Read(MediaBuilder.Jpeg(xmp));

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1001", Assert.Single(result.Persons).Value);
    }

    [Fact]
    public void Iptc_in_app13_with_the_old_photoshop_header()
    {
        var app13 = MediaBuilder.JpegSegment(0xED, [.. "Adobe_Photoshop2.5:"u8, .. new byte[8], .. Irb(0x0404, Iim("LL-1001"))]);

        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, app13)), "LL-1001");
    }

    [Fact]
    public void Photoshop_resources_split_over_two_app13_segments_are_joined()
    {
        var irb = Irb(0x0404, Iim("LL-1001"));
        var first = MediaBuilder.JpegSegment(0xED, [.. "Photoshop 3.0\0"u8, .. irb[..10]]);
        var second = MediaBuilder.JpegSegment(0xED, [.. "Photoshop 3.0\0"u8, .. irb[10..]]);

        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, first, second)), "LL-1001");
    }

    [Fact]
    public void Exif_with_a_second_header_byte_other_than_nul()
    {
        var tiff = Tiff([(0x9C9E, 1, XpKeywords("LL-1001"))]);

        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1([.. "Exif\0"u8, 0xFF], tiff))), "LL-1001");
    }

    [Fact]
    public void Xpkeywords_on_a_tiffs_second_page()
    {
        var tiff = Tiff([(256, 3, [16, 0])], [(0x9C9E, 1, XpKeywords("LL-1001"))]);

        AssertKeywords(Read(tiff, "scan.tif"), "LL-1001");
    }

    [Fact]
    public void Png_itxt_after_iend()
    {
        AssertKeywords(Read(Png(afterEnd: ITxt(Encoding.UTF8.GetString(Packet("LL-1001")))), "photo.png"), "LL-1001");
    }

    [Fact]
    public void Data_after_a_pngs_iend_that_is_no_chunk_is_a_trailer()
    {
        var result = Read(Png(afterEnd: "a trailer, no chunk"u8.ToArray()), "photo.png");

        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Heif_xmp_item_of_every_infe_version(int version)
    {
        AssertKeywords(Read(Heif(version, Packet("LL-1001")), "photo.heic"), "LL-1001");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Heif_item_whose_content_type_is_exif_is_read_as_exif(int version)
    {
        byte[] exif = [0, 0, 0, 0, .. Tiff([(0x9C9E, 1, XpKeywords("LL-1001"))])];

        AssertKeywords(Read(Heif(version, exif, "Exif"), "photo.heic"), "LL-1001");
    }

    [Fact]
    public void Exif_header_in_capitals_after_stray_bytes()
    {
        var tiff = Tiff([(0x9C9E, 1, XpKeywords("LL-1001"))]);

        AssertKeywords(Read(MediaBuilder.Jpeg(null, 16, App1([0, 0, .. "EXIF\0\0"u8], tiff))), "LL-1001");
    }

    [Theory]
    [InlineData("moov")]
    [InlineData("trak")]
    public void Xmp_uuid_box_inside_the_movie_and_a_track(string where)
    {
        var uuid = MediaBuilder.XmpUuidBox(Encoding.UTF8.GetString(Packet("LL-1001")));
        var moov = where == "moov" ? MediaBuilder.Box("moov", uuid) : MediaBuilder.Box("moov", MediaBuilder.Box("trak", uuid));

        AssertKeywords(Read([.. MediaBuilder.Ftyp(), .. moov], "clip.mp4"), "LL-1001");
    }

    [Fact]
    public void Xmp_box_inside_a_track()
    {
        var xmp = MediaBuilder.Box("XMP_", Packet("LL-1001"));
        var moov = MediaBuilder.Box("moov", MediaBuilder.Box("trak", xmp));

        AssertKeywords(Read([.. MediaBuilder.Ftyp(), .. moov], "clip.mp4"), "LL-1001");
    }

    [Fact]
    public void A_jpeg_named_like_another_media_file_is_read_by_its_content()
    {
        AssertKeywords(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001"))), "photo.heic"), "LL-1001");
    }

    [Fact]
    public void A_jpeg_named_like_no_media_file_is_a_problem()
    {
        var problem = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001"))), "photo.html").Problems);

        Assert.Contains("'.html'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wav_whose_riff_header_gives_too_small_a_size_is_read_to_its_end()
    {
        // A camera's WAV: the RIFF size leaves out the last chunk, where the XMP is.
        var xmp = Packet("LL-1001");
        byte[] fmt = [.. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0];
        byte[] pmx = [.. "_PMX"u8, .. BitConverter.GetBytes(xmp.Length), .. xmp, .. new byte[xmp.Length % 2]];
        byte[] wav = [.. "RIFF"u8, .. BitConverter.GetBytes(4 + fmt.Length), .. "WAVE"u8, .. fmt, .. pmx];

        AssertKeywords(Read(wav, "sound.wav"), "LL-1001");
    }

    internal static byte[] Iim(params string[] keywords)
    {
        using var ms = new MemoryStream();
        ms.Write([0x1C, 0x01, 0x5A, 0x00, 0x03, 0x1B, 0x25, 0x47]); // 1:90 coded character set: UTF-8
        foreach (var keyword in keywords)
        {
            var value = Encoding.UTF8.GetBytes(keyword);
            ms.Write([0x1C, 0x02, 0x19, (byte)(value.Length >> 8), (byte)value.Length]);
            ms.Write(value);
        }

        return ms.ToArray();
    }

    internal static byte[] IimDataset(byte record, byte dataset, string text)
    {
        var value = Encoding.UTF8.GetBytes(text);
        return [0x1C, record, dataset, (byte)(value.Length >> 8), (byte)value.Length, .. value];
    }

    internal static byte[] Irb(ushort id, byte[] data)
    {
        var block = new byte[12 + data.Length + (data.Length % 2)];
        "8BIM"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(4), id);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(8), (uint)data.Length); // empty name: two bytes
        data.CopyTo(block, 12);
        return block;
    }

    internal static byte[] XpKeywords(string keywords) => [.. Encoding.Unicode.GetBytes(keywords), 0, 0];

    /// <summary>A little-endian TIFF with one IFD per page; every value is stored after the IFDs.</summary>
    internal static byte[] Tiff(params (ushort Tag, ushort Type, byte[] Value)[][] pages)
    {
        var ifdSizes = pages.Select(p => 2 + (12 * p.Length) + 4).ToArray();
        var valueStart = 8 + ifdSizes.Sum();
        var output = new byte[valueStart + pages.Sum(p => p.Sum(e => e.Value.Length + 1))];
        "II*\0"u8.CopyTo(output);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4), 8);
        var ifd = 8;
        var value = valueStart;
        for (var page = 0; page < pages.Length; page++)
        {
            var entries = pages[page].OrderBy(e => e.Tag).ToArray();
            BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(ifd), (ushort)entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                var at = ifd + 2 + (12 * i);
                var (tag, type, bytes) = entries[i];
                var unit = type switch { 3 => 2, 4 => 4, _ => 1 };
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(at), tag);
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(at + 2), type);
                BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(at + 4), (uint)(bytes.Length / unit));
                if (bytes.Length <= 4)
                {
                    bytes.CopyTo(output, at + 8);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(at + 8), (uint)value);
                    bytes.CopyTo(output, value);
                    value += bytes.Length + (bytes.Length % 2);
                }
            }

            var next = page + 1 < pages.Length ? ifd + ifdSizes[page] : 0;
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(ifd + 2 + (12 * entries.Length)), (uint)next);
            ifd += ifdSizes[page];
        }

        return output;
    }

    internal static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    internal static byte[] ITxt(string xmp) => PngChunk("iTXt", [.. "XML:com.adobe.xmp\0\0\0\0\0"u8, .. Encoding.UTF8.GetBytes(xmp)]);

    /// <summary>A 1×1 PNG with <paramref name="chunks"/> before IDAT and <paramref name="afterEnd"/> after IEND.</summary>
    internal static byte[] Png(byte[]? afterEnd = null, params byte[][] chunks)
    {
        byte[] ihdr = [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0];
        return
        [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
            .. PngChunk("IHDR", ihdr), .. chunks.SelectMany(c => c),
            .. PngChunk("IDAT", [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]),
            .. PngChunk("IEND", []), .. afterEnd ?? [],
        ];
    }

    /// <summary>A HEIF with one item (XMP unless told) in <c>idat</c>, its <c>infe</c> of the given version.</summary>
    internal static byte[] Heif(int version, byte[] xmp, string contentType = "application/rdf+xml")
    {
        var type = Encoding.ASCII.GetBytes(contentType + "\0");
        byte[] infe = version < 2
            ? [(byte)version, 0, 0, 0, 0, 1, 0, 0, 0, .. type, 0]
            : [2, 0, 0, 0, 0, 1, 0, 0, .. "mime"u8, 0, .. type];
        byte[] iinf = [0, 0, 0, 0, 0, 1, .. MediaBuilder.Box("infe", infe)];
        var iloc = new byte[] { 1, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
        BinaryPrimitives.WriteUInt32BigEndian(iloc.AsSpan(20), (uint)xmp.Length);
        byte[] meta =
        [
            0, 0, 0, 0,
            .. MediaBuilder.Box("hdlr", [0, 0, 0, 0, 0, 0, 0, 0, .. "pict"u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            .. MediaBuilder.Box("iinf", iinf), .. MediaBuilder.Box("iloc", iloc), .. MediaBuilder.Box("idat", xmp),
        ];
        return [.. MediaBuilder.Ftyp("heic"), .. MediaBuilder.Box("meta", meta)];
    }
}
