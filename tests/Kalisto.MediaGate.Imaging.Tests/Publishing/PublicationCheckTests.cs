using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Imaging.Publishing;
using Kalisto.MediaGate.Publishing;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.MediaLayout;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.StrippedCopy;

namespace Kalisto.MediaGate.Imaging.Tests.Publishing;

/// <summary>
/// Per container: a name, an ID or a GPS marker planted where a stripper does not look is refused; the same
/// value inside image or media data is not; the strippers' copies of the fixtures pass.
/// </summary>
public sealed class PublicationCheckTests
{
    private static readonly IdentifierSearch Register = IdentifierSearch.For(
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
        Records.Valid("de-wilg", "MW-2001", "Sanne Jansen"),
    ]);

    private static readonly byte[] Name = Encoding.UTF8.GetBytes("Emma de Vries");
    private static readonly byte[] Id = "LL-1002"u8.ToArray();
    private static readonly byte[] Gps = "<exif:GPSLatitude>52,22.2N</exif:GPSLatitude>"u8.ToArray();

    public static TheoryData<string, MediaFormat> Fixtures => new()
    {
        { "jpeg-identifiers.jpg", MediaFormat.Jpeg },
        { "xmp-personinimagewdetails.jpg", MediaFormat.Jpeg },
        { "xmp-mwg-regions-orientation6.jpg", MediaFormat.Jpeg },
        { "iptc-keywords.jpg", MediaFormat.Jpeg },
        { "exif-xpkeywords.jpg", MediaFormat.Jpeg },
        { "png-identifiers.png", MediaFormat.Png },
        { "png-exif.png", MediaFormat.Png },
        { "tiff-identifiers.tif", MediaFormat.Tiff },
        { "webp-identifiers.webp", MediaFormat.WebP },
        { "heic-identifiers.heic", MediaFormat.Heif },
        { "gif-identifiers.gif", MediaFormat.Gif },
        { "mov-identifiers.mov", MediaFormat.IsoMedia },
        { "mov-keys-keywords.mov", MediaFormat.IsoMedia },
        { "mp4-identifiers.mp4", MediaFormat.IsoMedia },
        { "m4a-xmp.m4a", MediaFormat.IsoMedia },
        { "wav-identifiers.wav", MediaFormat.Wav },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Stripped_copies_of_the_fixtures_pass(string fixture, MediaFormat format)
    {
        var copy = await StripFixtureAsync(fixture, format);

        var result = Check(copy, format);

        Assert.True(result.Succeeded, result.Message);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Originals_of_the_fixtures_are_refused(string fixture, MediaFormat format)
    {
        var original = await File.ReadAllBytesAsync(FixturePath(fixture));

        AssertRefused(Check(original, format), "the copy still holds");
    }

    [Fact]
    public async Task Jpeg_name_in_the_icc_profile_the_stripper_keeps_is_refused()
    {
        byte[] profile = [.. new byte[128], .. "mluc"u8, .. new byte[12], .. Encoding.BigEndianUnicode.GetBytes("Emma de Vries"), 0, 0];
        var input = AfterSoi(await Untagged(), JpegSegment(0xE2, [.. "ICC_PROFILE\0"u8, 1, 1, .. profile]));
        var (stripped, copy) = await StripAsync(input, MediaFormat.Jpeg);
        Assert.True(stripped.Succeeded);

        AssertRefused(Check(copy, MediaFormat.Jpeg), "a display name of the register", "the APP2 segment at byte 2", "UTF-16");
    }

    [Fact]
    public async Task Jpeg_id_in_the_adobe_segment_the_stripper_keeps_is_refused()
    {
        var input = AfterSoi(await Untagged(), JpegSegment(0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1, .. Id]));
        var (stripped, copy) = await StripAsync(input, MediaFormat.Jpeg);
        Assert.True(stripped.Succeeded);

        AssertRefused(Check(copy, MediaFormat.Jpeg), "a subject ID of the register", "the APP14 segment");
    }

    [Theory]
    [InlineData("comment", "the COM segment at byte 2")]
    [InlineData("after EOI", "the bytes after the JPEG's end (EOI)")]
    [InlineData("between segments", "the bytes between JPEG segments")]
    [InlineData("between scans", "the COM segment")]
    [InlineData("second image", "the COM segment at byte 1113")]
    public async Task Jpeg_name_where_the_stripper_drops_it_is_refused_in_a_copy(string where, string place)
    {
        var jpeg = await Untagged();
        var copy = where switch
        {
            "comment" => AfterSoi(jpeg, JpegSegment(0xFE, Name)),
            "after EOI" => [.. jpeg, .. Name],
            "between segments" => AfterSoi(jpeg, JpegSegment(0xFE, "x"u8.ToArray()), Name),
            "between scans" => [.. jpeg[..^2], .. JpegSegment(0xFE, Name), .. jpeg[^2..]],
            _ => [.. jpeg, .. AfterSoi(jpeg, JpegSegment(0xFE, Name))],
        };

        AssertRefused(Check(copy, MediaFormat.Jpeg), "a display name of the register", place);
    }

    [Fact]
    public async Task Jpeg_gps_text_and_gps_pointer_are_refused()
    {
        var jpeg = await Untagged();

        AssertRefused(Check(AfterSoi(jpeg, JpegSegment(0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. Gps])), MediaFormat.Jpeg), "a GPS location", "the APP1 segment");
        AssertRefused(Check(AfterSoi(jpeg, JpegSegment(0xE1, [.. "Exif\0\0"u8, .. ExifWithGpsPointer()])), MediaFormat.Jpeg), "tag 0x8825", "the EXIF block in the APP1 segment");
    }

    [Fact]
    public async Task Jpeg_name_inside_the_scan_data_passes()
    {
        var jpeg = await Untagged();
        var scan = ScanDataStart(jpeg);
        byte[] copy = [.. jpeg[..scan], .. Name, .. Id, .. jpeg[scan..]];

        Assert.True(Check(copy, MediaFormat.Jpeg).Succeeded);
        Assert.True(Check([.. jpeg, .. jpeg], MediaFormat.Jpeg).Succeeded); // a second image after EOI, clean
    }

    [Theory]
    [InlineData("private chunk")]
    [InlineData("after IEND")]
    [InlineData("bytes after IEND")]
    [InlineData("zTXt")]
    [InlineData("raw profile")]
    public async Task Png_name_in_chunks_the_stripper_drops_is_refused_in_a_copy(string where)
    {
        var png = await StripFixtureAsync("png-exif.png", MediaFormat.Png);
        var copy = where switch
        {
            "private chunk" => AfterIhdr(png, PngChunk("prVt", Name)),
            "after IEND" => [.. png, .. PngChunk("tEXt", [.. "Author\0"u8, .. Name])],
            "bytes after IEND" => [.. png, .. Name],
            "zTXt" => AfterIhdr(png, PngChunk("zTXt", [.. "Comment\0\0"u8, .. Deflate(Name)])),
            _ => AfterIhdr(png, PngChunk("zTXt", [.. "Raw profile type iptc\0\0"u8, .. Deflate(Encoding.ASCII.GetBytes($"\niptc\n      13\n{Convert.ToHexString(Name)}\n"))])),
        };

        AssertRefused(Check(copy, MediaFormat.Png), "a display name of the register", "PNG");
    }

    [Fact]
    public async Task Png_name_in_the_colour_profile_the_stripper_keeps_is_refused()
    {
        var png = await StripFixtureAsync("png-exif.png", MediaFormat.Png);
        byte[] profile = [.. new byte[128], .. "desc"u8, .. new byte[8], .. Name, 0];
        var input = AfterIhdr(png, PngChunk("iCCP", [.. "icc\0\0"u8, .. Deflate(profile)]));
        var (stripped, copy) = await StripAsync(input, MediaFormat.Png);
        Assert.True(stripped.Succeeded);

        AssertRefused(Check(copy, MediaFormat.Png), "a display name of the register", "the PNG 'iCCP' chunk at byte 33 (inflated)");
    }

    [Fact]
    public async Task Png_gps_pointer_and_damaged_compressed_text_are_refused()
    {
        var png = await StripFixtureAsync("png-exif.png", MediaFormat.Png);

        AssertRefused(Check(AfterIhdr(png, PngChunk("eXIf", ExifWithGpsPointer())), MediaFormat.Png), "tag 0x8825");
        AssertRefused(Check(AfterIhdr(png, PngChunk("prVt", Id)), MediaFormat.Png), "a subject ID of the register", "the PNG 'prVt' chunk");
        AssertRefused(Check(AfterIhdr(png, PngChunk("tEXt", [.. "XML:com.adobe.xmp\0"u8, .. Gps])), MediaFormat.Png), "a GPS location", "the PNG 'tEXt' chunk");
        AssertRefused(Check(AfterIhdr(png, PngChunk("zTXt", [.. "Comment\0\0"u8, 0x78, 0x9C, 0xFF, 0xFF, 0xFF])), MediaFormat.Png), "the copy could not be checked");
    }

    [Fact]
    public async Task Png_compressed_chunks_that_inflate_beyond_the_budget_are_refused()
    {
        var png = await StripFixtureAsync("png-exif.png", MediaFormat.Png);
        var bomb = PngChunk("zTXt", [.. "Comment\0\0"u8, .. Deflate(new byte[1024 * 1024])]);
        var copy = AfterIhdr(png, [.. Enumerable.Repeat(bomb, 70).SelectMany(c => c)]);
        Assert.True(copy.Length < 200_000);

        AssertRefused(Check(copy, MediaFormat.Png), "the copy could not be checked", "inflate to more than 64 MB");
    }

    [Fact]
    public async Task Png_name_inside_image_data_passes()
    {
        var png = await StripFixtureAsync("png-exif.png", MediaFormat.Png);

        Assert.True(Check(AfterIhdr(png, PngChunk("IDAT", [.. Name, .. Id, .. Gps])), MediaFormat.Png).Succeeded);
    }

    [Theory]
    [InlineData(0, (ushort)65000, "the value of TIFF tag 65000 in IFD 0")]
    [InlineData(1, (ushort)270, "the value of TIFF tag 270 in IFD 1")]
    [InlineData(1, (ushort)315, "the value of TIFF tag 315 in IFD 1")]
    public void Tiff_name_in_a_tag_value_of_any_page_is_refused(int page, ushort tag, string place)
    {
        var copy = Tiff((page, tag, 2, [.. Name, 0]));

        AssertRefused(Check(copy, MediaFormat.Tiff), "a display name of the register", place);
    }

    [Fact]
    public void Tiff_gps_pointer_is_refused_and_a_name_inside_a_strip_passes()
    {
        AssertRefused(Check(Tiff((0, 0x8825, 4, [0, 0, 0, 0])), MediaFormat.Tiff), "tag 0x8825", "TIFF IFD 0");

        Assert.True(Check(Tiff(pixels: [.. Name, .. Id, .. Gps]), MediaFormat.Tiff).Succeeded);
    }

    [Fact]
    public void Tiff_value_that_a_strip_claims_as_well_is_still_searched()
    {
        // A crafted file: the strip of page 0 is declared over the bytes of a description.
        var copy = Tiff((0, 270, 2, [.. Name, 0]));
        var ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(4));
        var description = FindEntry(copy, ifd, 270);
        var strip = FindEntry(copy, ifd, 273);
        var counts = FindEntry(copy, ifd, 279);
        copy.AsSpan(description + 8, 4).CopyTo(copy.AsSpan(strip + 8));
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(counts + 8), Name.Length);

        AssertRefused(Check(copy, MediaFormat.Tiff), "a display name of the register", "tag 270");
    }

    [Fact]
    public async Task Webp_name_in_an_unknown_chunk_and_gps_in_exif_are_refused_and_image_data_passes()
    {
        var webp = await StripFixtureAsync("webp-identifiers.webp", MediaFormat.WebP);

        AssertRefused(Check(WithChunk(webp, RiffChunk("XTRA", Name)), MediaFormat.WebP), "a display name of the register", "the RIFF 'XTRA' chunk");
        AssertRefused(Check(WithChunk(webp, RiffChunk("EXIF", ExifWithGpsPointer())), MediaFormat.WebP), "tag 0x8825");
        AssertRefused(Check(WithChunk(webp, RiffChunk("ANMF", [.. new byte[16], .. RiffChunk("ABCD", Id)])), MediaFormat.WebP), "a subject ID of the register");
        Assert.True(Check(WithChunk(webp, RiffChunk("ANMF", [.. new byte[16], .. RiffChunk("VP8 ", Name)])), MediaFormat.WebP).Succeeded);
        Assert.True(Check(Riff("WEBP", RiffChunk("VP8L", [.. Name, .. Id]), RiffChunk("ALPH", Name)), MediaFormat.WebP).Succeeded);
    }

    [Fact]
    public async Task Wav_name_in_list_info_is_refused_and_audio_data_passes()
    {
        var wav = await StripFixtureAsync("wav-identifiers.wav", MediaFormat.Wav);
        var info = RiffChunk("LIST", [.. "INFO"u8, .. RiffChunk("IART", [.. Name, 0])]);

        AssertRefused(Check(WithChunk(wav, info), MediaFormat.Wav), "a display name of the register", "the RIFF 'LIST' chunk");
        AssertRefused(Check(WithChunk(wav, RiffChunk("iXML", Id)), MediaFormat.Wav), "a subject ID of the register", "the RIFF 'iXML' chunk");
        AssertRefused(Check(WithChunk(wav, RiffChunk("_PMX", Gps)), MediaFormat.Wav), "a GPS location", "the RIFF '_PMX' chunk");
        Assert.True(Check(Riff("WAVE", RiffChunk("fmt ", new byte[16]), RiffChunk("data", [.. Name, .. Id, .. Gps])), MediaFormat.Wav).Succeeded);
    }

    [Fact]
    public async Task Gif_name_in_extensions_is_refused_and_image_data_passes()
    {
        var gif = await StripFixtureAsync("gif-identifiers.gif", MediaFormat.Gif);
        byte[] application = [0x21, 0xFF, 11, .. "MGATEST1.0 "u8[..11], (byte)Name.Length, .. Name, 0];
        byte[] comment = [0x21, 0xFE, 6, .. Name[..6], (byte)(Name.Length - 6), .. Name[6..], 0]; // split over two sub-blocks
        byte[] image = [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, (byte)Name.Length, .. Name, 0];

        AssertRefused(Check(BeforeTrailer(gif, application), MediaFormat.Gif), "a display name of the register", "the GIF application extension");
        AssertRefused(Check(BeforeTrailer(gif, comment), MediaFormat.Gif), "the GIF comment extension", "its sub-blocks joined");
        AssertRefused(Check([.. gif, .. Id], MediaFormat.Gif), "a subject ID of the register", "after the GIF trailer");
        Assert.True(Check(BeforeTrailer(gif, image), MediaFormat.Gif).Succeeded);
    }

    [Theory]
    [InlineData("free", "the 'free' box")]
    [InlineData("track udta", "the 'moov/trak/udta/\u00a9nam' box")]
    [InlineData("movie meta", "the 'moov/meta/ilst' box")]
    [InlineData("uuid", "the 'uuid' box")]
    public void Mp4_name_in_a_box_is_refused(string where, string place)
    {
        var extra = where switch
        {
            "free" => Box("free", Name),
            "uuid" => Box("uuid", new byte[16], Name),
            _ => [],
        };
        var trak = where == "track udta" ? Box("udta", Box("\u00a9nam", [0, 13, 0, 0, .. Name])) : [];
        var meta = where == "movie meta" ? Box("meta", new byte[4], Box("hdlr", new byte[25]), Box("ilst", Name)) : [];

        AssertRefused(Check(Mp4(trak, meta, extra, Id), MediaFormat.IsoMedia), "a display name of the register", place);
    }

    [Fact]
    public void Mp4_id_in_a_free_box_is_refused()
    {
        AssertRefused(Check(Mp4([], [], Box("free", Id), []), MediaFormat.IsoMedia), "a subject ID of the register", "the 'free' box");
    }

    [Theory]
    [InlineData("\u00a9xyz")]
    [InlineData("loci")]
    public void Mp4_location_box_is_refused(string type)
    {
        var copy = Mp4(Box("udta", Box(type, [0, 0, 0, 0])), [], [], []);

        AssertRefused(Check(copy, MediaFormat.IsoMedia), "a GPS location", $"'{type}' box");
    }

    [Fact]
    public void Mp4_location_string_is_refused_and_media_data_passes()
    {
        AssertRefused(Check(Mp4([], Box("meta", new byte[4], Box("keys", "com.example.where"u8.ToArray()), Box("ilst", "+52.3702+004.8952/"u8.ToArray())), [], []), MediaFormat.IsoMedia), "a GPS location");

        Assert.True(Check(Mp4([], [], [], [.. Name, .. Id, .. Gps, .. "+52.3702+004.8952/"u8]), MediaFormat.IsoMedia).Succeeded);
    }

    [Fact]
    public void Large_media_data_is_skipped_not_read()
    {
        var head = Mp4([], [], [], []);
        var mdatHeader = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mdatHeader, 1);
        "mdat"u8.CopyTo(mdatHeader.AsSpan(4));
        BinaryPrimitives.WriteInt64BigEndian(mdatHeader.AsSpan(8), 2L * 1024 * 1024 * 1024);
        using var copy = new SparseStream().Bytes([.. head, .. mdatHeader]).Zeros((2L * 1024 * 1024 * 1024) - 16);

        var result = new PublicationCheck().Check(copy, MediaFormat.IsoMedia, Register, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.True(copy.BytesServed < 1024 * 1024, $"{copy.BytesServed} bytes were read");
    }

    [Fact]
    public void Heif_name_in_the_exif_item_is_refused_and_in_the_image_item_passes()
    {
        byte[] exif = [0, 0, 0, 0, .. "MM\0*"u8, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, .. Name];

        AssertRefused(Check(Heif(image: new byte[64], exif: exif), MediaFormat.Heif), "a display name of the register", "the HEIF 'Exif' item 2");
        AssertRefused(Check(Heif(image: new byte[64], exif: [0, 0, 0, 0, .. ExifWithGpsPointer()]), MediaFormat.Heif), "tag 0x8825", "the HEIF 'Exif' item 2");
        AssertRefused(Check(Heif(image: new byte[64], exif: [0, 0, 0, 0, .. "MM\0*"u8, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0], outside: Id), MediaFormat.Heif), "a subject ID of the register", "outside the image items");
        Assert.True(Check(Heif(image: [.. Name, .. Id, .. Gps], exif: [0, 0, 0, 0, .. "MM\0*"u8, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0]), MediaFormat.Heif).Succeeded);
    }

    public static TheoryData<MediaFormat> Formats => new(Enum.GetValues<MediaFormat>());

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Broken_copies_are_refused_as_unreadable_without_an_exception(MediaFormat format)
    {
        var noise = new byte[4096];
        new Random(42).NextBytes(noise);
        List<byte[]> copies = [[], noise, [0xFF, 0xD8, 0xFF], "RIFF"u8.ToArray(), [0, 0, 0, 8, .. "ftyp"u8, 0, 0, 0, 99, .. "free"u8]];
        foreach (var (fixture, fixtureFormat) in Fixtures.Select(d => ((string)d[0], (MediaFormat)d[1])).Where(f => f.Item2 == format).Take(1))
        {
            var copy = await StripFixtureAsync(fixture, fixtureFormat);
            copies.AddRange([copy[..(copy.Length / 2)], copy[..^7]]);
            if (format != MediaFormat.Tiff)
            {
                copies.Add(copy[..^1]); // a TIFF may end in bytes that nothing points to
            }
        }

        foreach (var copy in copies)
        {
            var result = Check(copy, format);

            Assert.False(result.Succeeded, $"{copy.Length} bytes of {format} passed");
            Assert.Equal("unreadable", result.ReasonCode);
        }
    }

    [Fact]
    public void Refusals_name_no_value()
    {
        var messages = new[]
        {
            Check(Mp4(Box("udta", Box("\u00a9nam", [.. Name])), [], [], []), MediaFormat.IsoMedia),
            Check(Tiff((0, 270, 2, [.. Id, 0])), MediaFormat.Tiff),
            Check(Mp4([], [], Box("free", "+52.3702+004.8952/"u8.ToArray()), []), MediaFormat.IsoMedia),
        }.Select(r => r.Message!).ToList();

        Assert.All(messages, m => Assert.StartsWith("the copy still holds", m, StringComparison.Ordinal));
        foreach (var value in new[] { "Emma", "Vries", "1001", "1002", "52.37", "4.89" })
        {
            Assert.All(messages, m => Assert.DoesNotContain(value, m, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static PublishResult Check(byte[] copy, MediaFormat format) =>
        new PublicationCheck().Check(new MemoryStream(copy, writable: false), format, Register, CancellationToken.None);

    private static void AssertRefused(PublishResult result, params string[] expected)
    {
        Assert.False(result.Succeeded, "the copy was not refused");
        Assert.Equal("unreadable", result.ReasonCode);
        foreach (var part in expected)
        {
            Assert.True(result.Message!.Contains(part, StringComparison.Ordinal), result.Message);
        }

        foreach (var value in Identifiers.Concat(["Emma", "Vries", "Bakker", "52,22"]))
        {
            Assert.DoesNotContain(value, result.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static Task<byte[]> Untagged() => File.ReadAllBytesAsync(FixturePath("untagged.jpg"));

    /// <summary>Where the entropy-coded data of the first scan starts.</summary>
    private static int ScanDataStart(byte[] jpeg)
    {
        var pos = 2;
        while (jpeg[pos + 1] != 0xDA)
        {
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        return pos + 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
    }

    /// <summary>A big-endian EXIF block whose IFD0 points to an (empty) GPS IFD.</summary>
    private static byte[] ExifWithGpsPointer() =>
        [.. "MM\0*"u8, 0, 0, 0, 8, 0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        return chunk; // the CRC is not checked by anyone here
    }

    private static byte[] AfterIhdr(byte[] png, byte[] chunk) => [.. png[..33], .. chunk, .. png[33..]];

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] WithChunk(byte[] riff, byte[] chunk)
    {
        byte[] result = [.. riff, .. chunk];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }

    private static byte[] BeforeTrailer(byte[] gif, byte[] block) => [.. gif[..^1], .. block, 0x3B];

    private static byte[] Mp4(byte[] trakExtra, byte[] moovExtra, byte[] topExtra, byte[] mdat) =>
    [
        .. Box("ftyp", "isom"u8.ToArray(), [0, 0, 2, 0], "isommp41"u8.ToArray()),
        .. Box("moov", Box("mvhd", new byte[100]), Box("trak", Box("tkhd", new byte[84]), Box("mdia", Box("minf", Box("stbl", Box("stco", new byte[8])))), trakExtra), moovExtra),
        .. topExtra,
        .. Box("mdat", mdat),
    ];

    /// <summary>A HEIF with an hvc1 image item (1) and an Exif item (2), both in <c>mdat</c>; <paramref name="outside"/> follows them.</summary>
    private static byte[] Heif(byte[] image, byte[] exif, byte[]? outside = null)
    {
        static byte[] Infe(ushort id, string type) => Box("infe", [2, 0, 0, 0, (byte)(id >> 8), (byte)id, 0, 0, .. Encoding.ASCII.GetBytes(type), 0]);
        byte[] Meta(int mdatStart) => Box(
            "meta",
            new byte[4],
            Box("hdlr", [0, 0, 0, 0, 0, 0, 0, 0, .. "pict"u8, .. new byte[13]]),
            Box("pitm", [0, 0, 0, 0, 0, 1]),
            Box("iinf", [0, 0, 0, 0, 0, 2], Infe(1, "hvc1"), Infe(2, "Exif")),
            Box("iloc", [0, 0, 0, 0, 0x44, 0x00, 0, 2, .. Location(1, mdatStart, image.Length), .. Location(2, mdatStart + image.Length, exif.Length)]));
        static byte[] Location(ushort id, int offset, int length)
        {
            var entry = new byte[2 + 2 + 2 + 8];
            BinaryPrimitives.WriteUInt16BigEndian(entry, id);
            BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(4), 1);
            BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(6), offset);
            BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(10), length);
            return entry;
        }

        var ftyp = Box("ftyp", "heic"u8.ToArray(), [0, 0, 0, 0], "mif1heic"u8.ToArray());
        var metaLength = Meta(0).Length;
        var mdatStart = ftyp.Length + metaLength + 8;
        return [.. ftyp, .. Meta(mdatStart), .. Box("mdat", image, exif, outside ?? [])];
    }

    /// <summary>A little-endian TIFF with one strip per page and the given extra tags (sorted in).</summary>
    private static byte[] Tiff(params (int Page, ushort Tag, ushort Type, byte[] Value)[] extras) => Tiff(extras, null);

    private static byte[] Tiff(byte[] pixels) => Tiff([], pixels);

    private static byte[] Tiff((int Page, ushort Tag, ushort Type, byte[] Value)[] extras, byte[]? pixels)
    {
        pixels ??= [10, 20, 30, 40, 50, 60];
        using var ms = new MemoryStream();
        ms.Write("II*\0"u8);
        ms.Write(new byte[4]);
        var stripStart = (int)ms.Position;
        ms.Write(pixels);
        var values = new Dictionary<(int, ushort), int>();
        foreach (var extra in extras.Where(e => e.Value.Length > 4))
        {
            if (ms.Position % 2 == 1)
            {
                ms.WriteByte(0);
            }

            values[(extra.Page, extra.Tag)] = (int)ms.Position;
            ms.Write(extra.Value);
        }

        if (ms.Position % 2 == 1)
        {
            ms.WriteByte(0);
        }

        var ifdOffsets = new List<int>();
        var ifds = new List<byte[]>();
        for (var page = 0; page < 2; page++)
        {
            var entries = new List<(ushort Tag, ushort Type, int Count, byte[] Value)>
            {
                (256, 3, 1, [(byte)pixels.Length, 0, 0, 0]),
                (257, 3, 1, [1, 0, 0, 0]),
                (258, 3, 1, [8, 0, 0, 0]),
                (259, 3, 1, [1, 0, 0, 0]),
                (262, 3, 1, [1, 0, 0, 0]),
                (273, 4, 1, BitConverter.GetBytes(stripStart)),
                (277, 3, 1, [1, 0, 0, 0]),
                (278, 3, 1, [1, 0, 0, 0]),
                (279, 4, 1, BitConverter.GetBytes(pixels.Length)),
            };
            foreach (var extra in extras.Where(e => e.Page == page))
            {
                var value = extra.Value.Length > 4 ? BitConverter.GetBytes(values[(page, extra.Tag)]) : [.. extra.Value, .. new byte[4 - extra.Value.Length]];
                entries.Add((extra.Tag, extra.Type, extra.Type == 2 ? extra.Value.Length : 1, value));
            }

            var ifd = new byte[2 + (12 * entries.Count) + 4];
            BinaryPrimitives.WriteUInt16LittleEndian(ifd, (ushort)entries.Count);
            var i = 0;
            foreach (var (tag, type, count, value) in entries.OrderBy(e => e.Tag))
            {
                var span = ifd.AsSpan(2 + (12 * i++));
                BinaryPrimitives.WriteUInt16LittleEndian(span, tag);
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
                BinaryPrimitives.WriteInt32LittleEndian(span[4..], count);
                value.CopyTo(span[8..]);
            }

            ifds.Add(ifd);
        }

        var position = (int)ms.Position;
        foreach (var ifd in ifds)
        {
            ifdOffsets.Add(position);
            position += ifd.Length;
        }

        for (var page = 0; page < ifds.Count; page++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(ifds[page].AsSpan(ifds[page].Length - 4), page + 1 < ifds.Count ? ifdOffsets[page + 1] : 0);
            ms.Write(ifds[page]);
        }

        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), ifdOffsets[0]);
        return bytes;
    }

    /// <summary>Where the directory entry of <paramref name="tag"/> starts.</summary>
    private static int FindEntry(byte[] tiff, int ifd, ushort tag)
    {
        var count = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd));
        for (var i = 0; i < count; i++)
        {
            var entry = ifd + 2 + (12 * i);
            if (BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(entry)) == tag)
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"no tag {tag}");
    }
}
