using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Kalisto.MediaGate.Tags;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Icc;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.IsoFixtures;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.IsoNode;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>
/// SPEC §3.1 "every packet, every page", from the stripping side: for each place where a writer can leave a
/// tag that exiftool reads (the non-standard headers, the second packet, the second page, the chunk after
/// IEND, the older <c>infe</c> versions, the boxes below <c>moov</c>), a file built in code tags one pupil
/// there, and the copy must hold neither her ID nor her name in any encoding, must still be a valid file of
/// its format, and must keep what the picture needs (orientation, colour profile).
/// </summary>
public sealed class StrippedVariantTests
{
    private const int Orientation = 6;

    private static readonly Dictionary<string, Func<byte[]>> JpegVariants = new()
    {
        ["APP1 XMP with the header XMP\\0"] = () => Jpeg(Segment(0xE1, "XMP\0", Pupil.XmpPacket)),
        ["APP1 holding an XMP packet with no header"] = () => Jpeg(Segment(0xE1, string.Empty, Pupil.XmpPacket)),
        ["APP1 XMP header with a space before the NUL"] = () => Jpeg(Segment(0xE1, "http://ns.adobe.com/xap/1.0/ \0", Pupil.XmpPacket)),
        ["two packets in one APP1"] = () => Jpeg(Segment(0xE1, XmpHeader, Pupil.UntaggedXmpPacket + Pupil.XmpPacket)),
        ["data after the packet trailer"] = () => Jpeg(Segment(0xE1, XmpHeader, Pupil.UntaggedXmpPacket + Pupil.XmpMeta)),
        ["XMP without rdf:RDF"] = () => Jpeg(Segment(0xE1, XmpHeader, Pupil.XmpPacketWithoutRdf)),
        ["APP13 with the Adobe_Photoshop2.5 header holding IPTC keywords"] = () =>
            Jpeg(MediaLayout.JpegSegment(0xED, [.. "Adobe_Photoshop2.5:"u8, .. new byte[8], .. Pupil.PhotoshopIptc()])),
        ["IPTC in an AFCP trailer after EOI (AXS!, big-endian)"] = () => [.. Jpeg(), .. AfcpTrailer(Jpeg().Length, bigEndian: true)],
        ["IPTC in an AFCP trailer after EOI (AXS*, little-endian)"] = () => [.. Jpeg(), .. AfcpTrailer(Jpeg().Length, bigEndian: false)],
    };

    /// <summary>The EXIF APP1 headers exiftool accepts: up to four stray bytes, then "Exif\0" in any case, then one byte.</summary>
    private static readonly Dictionary<string, byte[]> ExifHeaders = new()
    {
        ["Exif\\0\\xff"] = [.. "Exif\0"u8, 0xFF],
        ["Exif\\0\\0"] = [.. "Exif\0\0"u8],
        ["EXIF\\0\\0 in capitals"] = [.. "EXIF\0\0"u8],
        ["a stray APP1 marker and length before Exif\\0\\0"] = [0xFF, 0xE1, 0x01, 0x2C, .. "Exif\0\0"u8],
    };

    private static readonly Dictionary<string, Func<byte[]>> TiffVariants = new()
    {
        ["XPKeywords on the second page's IFD"] = () => TiffBuilder.Pages(KeptTiffTags(), [(40094, 1, Pupil.XpKeywords())]),
        ["IPTC (33723) stored as LONG with zero padding"] = () => TiffBuilder.Pages([.. KeptTiffTags(), (33723, 4, Padded(Pupil.Iptc(), 4))], []),
        ["IPTC (33723) stored as LONG on the second page"] = () => TiffBuilder.Pages(KeptTiffTags(), [(33723, 4, Padded(Pupil.Iptc(), 4))]),
        ["XMP (700) on the second page"] = () => TiffBuilder.Pages(KeptTiffTags(), [(700, 1, Pupil.Xmp())]),
    };

    private static readonly Dictionary<string, Func<byte[]>> PngVariants = new()
    {
        ["iTXt XMP after IEND"] = () => [.. Png(), .. MediaLayout.PngChunk("iTXt", [.. "XML:com.adobe.xmp\0"u8, 0, 0, 0, 0, .. Pupil.Xmp()])],
        ["zTXt raw profile type 8bim nesting a Photoshop block with IPTC"] = () =>
            MediaLayout.AfterIhdr(Png(), MediaLayout.PngChunk("zTXt", [.. "Raw profile type 8bim\0"u8, 0, .. Deflate(RawProfile("8bim", Pupil.PhotoshopIptc()))])),
        ["tEXt raw profile type 8bim nesting a Photoshop block with IPTC"] = () =>
            MediaLayout.AfterIhdr(Png(), MediaLayout.PngChunk("tEXt", [.. "Raw profile type 8bim\0"u8, .. RawProfile("8bim", Pupil.PhotoshopIptc())])),
        ["eXIf with XPKeywords"] = () => Png(MediaLayout.PngChunk("eXIf", Pupil.ExifTiff(Orientation))),
        ["eXIf with XPKeywords after an Exif\\0\\0 header"] = () => Png(MediaLayout.PngChunk("eXIf", [.. "Exif\0\0"u8, .. Pupil.ExifTiff(Orientation)])),
        ["a second eXIf with XPKeywords"] = () => Png(ExifChunk(), MediaLayout.PngChunk("eXIf", Pupil.ExifTiff(Orientation))),
    };

    /// <summary>HEIF metadata items: the <c>infe</c> payload (without the item ID it is given) and the item's data.</summary>
    private static readonly Dictionary<string, (Func<ushort, byte[]> Entry, Func<byte[]> Data)> HeifVariants = new()
    {
        ["XMP item whose infe is version 0"] = (id => [0, 0, 0, 0, .. U16(id), 0, 0, 0, .. "application/rdf+xml\0"u8, 0], Pupil.Xmp),
        ["XMP item whose infe is version 1"] = (id => [1, 0, 0, 0, .. U16(id), 0, 0, 0, .. "application/rdf+xml\0"u8, 0], Pupil.Xmp),
        ["XMP item whose infe is version 2 (mime)"] = (id => [2, 0, 0, 0, .. U16(id), 0, 0, .. "mime"u8, 0, .. "application/rdf+xml\0"u8], Pupil.Xmp),
        ["Exif item whose infe is version 2"] = (id => [2, 0, 0, 0, .. U16(id), 0, 0, .. "Exif"u8, 0], HeifExif),
        ["Exif item whose infe is version 3"] = (id => [3, 0, 0, 0, 0, 0, .. U16(id), 0, 0, .. "Exif"u8, 0], HeifExif),
        ["Exif item whose infe is version 1, content type Exif"] = (id => [1, 0, 0, 0, .. U16(id), 0, 0, 0, .. "Exif\0"u8, 0], HeifExif),
    };

    private static readonly Dictionary<string, Func<IsoNode[]>> MovieVariants = new()
    {
        ["XMP uuid inside moov"] = () => Movie(moov: [Gone("uuid", PupilUuid())]),
        ["XMP uuid inside trak"] = () => Movie(trak: [Gone("uuid", PupilUuid())]),
        ["XMP uuid inside moov of a QuickTime movie"] = () => Movie(brand: "qt  ", moov: [Gone("uuid", PupilUuid())]),
        ["XMP uuid inside trak of a QuickTime movie"] = () => Movie(brand: "qt  ", trak: [Gone("uuid", PupilUuid())]),
        ["XMP_ inside moov"] = () => Movie(moov: [Gone("XMP_", Pupil.Xmp())]),
        ["XMP_ inside trak"] = () => Movie(trak: [Gone("XMP_", Pupil.Xmp())]),
        ["XMP_ inside mdia"] = () => Movie(mdia: [Gone("XMP_", Pupil.Xmp())]),
        ["XMP_ inside moov/udta"] = () => Movie(brand: "qt  ", moov: [Gone("udta", Keep("XMP_", Pupil.Xmp()))]),
        ["XMP in free at the top level"] = () => Movie(top: [Emptied("free", Pupil.Xmp())]),
        ["XMP in skip at the top level"] = () => Movie(top: [Emptied("skip", Pupil.Xmp())]),
        ["XMP in free inside moov"] = () => Movie(moov: [Emptied("free", Pupil.Xmp())]),
        ["XMP in skip inside trak"] = () => Movie(trak: [Emptied("skip", Pupil.Xmp())]),
        ["XMP in free inside edts"] = () => Movie(edts: [Emptied("free", Pupil.Xmp())]),
        ["XMP in free inside mdia"] = () => Movie(mdia: [Emptied("free", Pupil.Xmp())]),
        ["XMP in skip inside minf"] = () => Movie(minf: [Emptied("skip", Pupil.Xmp())]),
        ["XMP in free inside dinf"] = () => Movie(dinf: [Emptied("free", Pupil.Xmp())]),
        ["XMP in skip inside stbl"] = () => Movie(stbl: [Emptied("skip", Pupil.Xmp())]),
        ["XMP in free inside a video sample entry"] = () => Movie(video: [Emptied("free", Pupil.Xmp())]),
        ["XMP in skip inside a sound sample entry"] = () => Movie(sound: [Emptied("skip", Pupil.Xmp())]),
        ["XMP in free inside a QuickTime sound entry's wave"] = () =>
            Movie(brand: "qt  ", soundFields: SoundFields(1), sound: [Walk("wave", Keep("frma", "mp4a"u8.ToArray()), Emptied("free", Pupil.Xmp()), Keep("\0\0\0\0", []))]),
    };

    private static readonly Dictionary<string, Func<byte[]>> GifVariants = new()
    {
        ["the XMP application extension"] = () => MediaLayout.BeforeGifTrailer(Gif(), MediaLayout.GifXmpExtension(Pupil.Xmp())),
        ["a comment extension holding the ID"] = () => MediaLayout.BeforeGifTrailer(Gif(), MediaLayout.GifExtension(0xFE, [], Encoding.UTF8.GetBytes(Pupil.Text))),
    };

    /// <summary>RIFF chunks that hide the pupil, each put into a WebP and a WAV.</summary>
    private static readonly Dictionary<string, Func<byte[]>> RiffChunks = new()
    {
        ["XMP chunk 'XMP '"] = () => MediaLayout.RiffChunk("XMP ", Pupil.Xmp()),
        ["XMP chunk '_PMX'"] = () => MediaLayout.RiffChunk("_PMX", Pupil.Xmp()),
        ["EXIF chunk"] = () => MediaLayout.RiffChunk("EXIF", Pupil.ExifTiff(Orientation)),
        ["LIST/INFO chunk with the ID in ICMT"] = () =>
            MediaLayout.RiffChunk("LIST", [.. "INFO"u8, .. MediaLayout.RiffChunk("ICMT", Encoding.UTF8.GetBytes(Pupil.Text + "\0"))]),
        ["LIST/exif chunk with the ID in its user comment"] = () =>
            MediaLayout.RiffChunk("LIST", [.. "exif"u8, .. MediaLayout.RiffChunk("ever", "0220"u8.ToArray()), .. MediaLayout.RiffChunk("eucm", [.. "ASCII\0\0\0"u8, .. Encoding.UTF8.GetBytes(Pupil.Text)])]),
    };

    private static readonly byte[] Icc = MediaLayout.MinimalIccProfile();

    private static string XmpHeader => "http://ns.adobe.com/xap/1.0/\0";

    public static TheoryData<string> JpegVariantNames => [.. JpegVariants.Keys];

    public static TheoryData<string> ExifHeaderNames => [.. ExifHeaders.Keys];

    public static TheoryData<string> TiffVariantNames => [.. TiffVariants.Keys];

    public static TheoryData<string> PngVariantNames => [.. PngVariants.Keys];

    public static TheoryData<string> HeifVariantNames => [.. HeifVariants.Keys];

    public static TheoryData<string> MovieVariantNames => [.. MovieVariants.Keys];

    public static TheoryData<string> GifVariantNames => [.. GifVariants.Keys];

    public static TheoryData<MediaFormat, string> RiffVariantNames
    {
        get
        {
            var data = new TheoryData<MediaFormat, string>();
            foreach (var format in new[] { MediaFormat.WebP, MediaFormat.Wav })
            {
                foreach (var chunk in RiffChunks.Keys)
                {
                    data.Add(format, chunk);
                }
            }

            return data;
        }
    }

    /// <summary>Every fixture of this class, for the check with exiftool.</summary>
    public static TheoryData<string> AllVariantNames => [.. AllVariants().Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(JpegVariantNames))]
    public async Task Jpeg_tag_in_a_non_standard_place_is_dropped_and_orientation_and_profile_are_kept(string variant)
    {
        var input = JpegVariants[variant]();

        var output = await StripVariantAsync(input, MediaFormat.Jpeg);

        AssertValidJpeg(input, output);
        Assert.Equal(Orientation, ExifOrientation(output));
    }

    [Theory]
    [MemberData(nameof(ExifHeaderNames))]
    public async Task Jpeg_exif_with_a_non_standard_header_keeps_only_its_orientation(string header)
    {
        var input = Jpeg(ExifHeaders[header], Pupil.ExifTiff(Orientation));

        var output = await StripVariantAsync(input, MediaFormat.Jpeg);

        AssertValidJpeg(input, output);
        var exif = Assert.Single(MediaLayout.JpegSegments(output), s => s.Marker == 0xE1);
        Assert.Equal(Convert.ToHexString(MinimalExifPayload(Orientation)), Convert.ToHexString(exif.Payload));
        Assert.Equal(Orientation, ExifOrientation(output));
        Assert.Equal(Orientation, new TagReader().Read(new MemoryStream(output), "copy.jpg").Orientation);
    }

    [Fact]
    public async Task Jpeg_exif_whose_tiff_cannot_be_read_is_dropped_whole()
    {
        byte[] tiff = [.. "MM\0*"u8, 0, 0, 0xFF, 0xF0, .. Pupil.XpKeywords()]; // IFD0 offset past the end
        var input = MediaLayout.AfterSoi(
            Untagged(),
            MediaLayout.JpegSegment(0xE1, [.. "Exif\0"u8, 0xFF, .. tiff]),
            MediaLayout.JpegIccSegment(Icc));

        var output = await StripVariantAsync(input, MediaFormat.Jpeg);

        AssertValidJpeg(input, output);
        Assert.DoesNotContain(MediaLayout.JpegSegments(output), s => s.Marker == 0xE1);
    }

    [Theory]
    [MemberData(nameof(TiffVariantNames))]
    public async Task Tiff_tag_on_any_page_and_of_any_type_is_zeroed_and_orientation_and_profile_are_kept(string variant)
    {
        var input = TiffVariants[variant]();

        var output = await StripVariantAsync(input, MediaFormat.Tiff);

        Assert.Equal(input.Length, output.Length);
        Assert.Equal(TiffBuilder.PixelData, output[TiffBuilder.PixelRange(0)]);
        Assert.Equal(TiffBuilder.PixelData, output[TiffBuilder.PixelRange(1)]);
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(output));
        Assert.Equal(Orientation, directories.OfType<ExifIfd0Directory>().Single().GetInt32(ExifDirectoryBase.TagOrientation));
        Assert.Single(directories.OfType<IccDirectory>());
        using (var pages = Image.Load<L8>(output))
        {
            Assert.Equal(2, pages.Frames.Count);
        }

        Assert.True(output.AsSpan().IndexOf(Icc) >= 0, "the colour profile is not in the copy");
        StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
        StrippedCopy.AssertTagReaderFindsNothing(output, "copy.tif");
        StrippedCopy.AssertSamePixels(input, output);
    }

    [Theory]
    [MemberData(nameof(PngVariantNames))]
    public async Task Png_text_and_exif_chunks_anywhere_are_dropped_and_orientation_and_colour_profile_are_kept(string variant)
    {
        var input = PngVariants[variant]();

        var output = await StripVariantAsync(input, MediaFormat.Png, plain: !variant.StartsWith("zTXt", StringComparison.Ordinal));

        var chunks = MediaLayout.PngChunks(output);
        Assert.Equal(["IHDR", "iCCP", "eXIf", "IDAT", "IEND"], chunks.Select(c => c.Type).Where(t => t != "pHYs"));
        Assert.Equal(
            MediaLayout.PngChunks(input).Single(c => c.Type == "iCCP").Data,
            chunks.Single(c => c.Type == "iCCP").Data);
        Assert.Equal(Pupil.ExifTiff(Orientation, tagged: false), chunks.Single(c => c.Type == "eXIf").Data);
        Assert.Equal(Orientation, ExifOrientation(output));
        Assert.Equal(Orientation, new TagReader().Read(new MemoryStream(output), "copy.png").Orientation);
        Assert.True(output.AsSpan().EndsWith(MediaLayout.PngChunk("IEND", [])), "the copy does not end with IEND");
        StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
        StrippedCopy.AssertTagReaderFindsNothing(output, "copy.png");
        StrippedCopy.AssertSamePixels(input, output);
    }

    [Theory]
    [MemberData(nameof(HeifVariantNames))]
    public async Task Heif_metadata_item_of_any_infe_version_is_neutralised_and_the_picture_is_kept(string variant)
    {
        var model = HeifWithItem(HeifVariants[variant].Entry(2), HeifVariants[variant].Data());
        var input = File(model);

        var output = await StripVariantAsync(input, MediaFormat.Heif);

        Assert.Equal(input.Length, output.Length);
        Assert.Equal(Samples, output[SamplesOffset..(SamplesOffset + Samples.Length)]);
        Assert.Equal(
            MediaLayout.IsoBoxes(input).Select(b => (b.Path, b.Start, b.Size)),
            MediaLayout.IsoBoxes(output).Select(b => (b.Path, b.Start, b.Size)));
        var infe = MediaLayout.IsoBoxes(output).Where(b => b.Type == "infe").ToList();
        Assert.Equal(2, infe.Count);
        Assert.Equal(input[infe[0].Start..(infe[0].Start + infe[0].Size)], output[infe[0].Start..(infe[0].Start + infe[0].Size)]);
        var metadataEntry = output[(infe[1].Start + 8)..(infe[1].Start + infe[1].Size)];
        Assert.True(metadataEntry.AsSpan().IndexOf("rdf+xml"u8) < 0 && metadataEntry.AsSpan().IndexOf("Exif"u8) < 0, "the metadata item still says what it is");
        Assert.Equal(1, metadataEntry[3] & 1); // flags: hidden
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(output));
        Assert.Empty(directories.OfType<ExifIfd0Directory>());
        StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
        StrippedCopy.AssertTagReaderFindsNothing(output, "copy.heic");
    }

    [Theory]
    [MemberData(nameof(MovieVariantNames))]
    public async Task Movie_xmp_in_uuid_xmp_or_free_boxes_at_any_depth_is_neutralised_in_place(string variant) =>
        await StrippedCopy.AssertIsoStrippedAsModelledAsync(MovieVariants[variant](), MediaFormat.IsoMedia, Pupil.Identifiers);

    [Theory]
    [MemberData(nameof(GifVariantNames))]
    public async Task Gif_extension_holding_the_pupil_is_dropped_and_the_colour_profile_is_kept(string variant)
    {
        var input = GifVariants[variant]();

        var output = await StripVariantAsync(input, MediaFormat.Gif);

        Assert.True(output.AsSpan().IndexOf(GifIccExtension()) >= 0, "the ICC profile extension is not in the copy");
        Assert.True(output.AsSpan().IndexOf("XMP DataXMP"u8) < 0, "the XMP extension is still in the copy");
        Assert.Equal(0x3B, output[^1]);
        StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
        StrippedCopy.AssertTagReaderFindsNothing(output, "copy.gif");
        StrippedCopy.AssertSamePixels(input, output);
    }

    [Theory]
    [MemberData(nameof(RiffVariantNames))]
    public async Task Riff_metadata_chunk_is_dropped_and_the_media_is_kept(MediaFormat format, string chunk)
    {
        var input = Riff(format, RiffChunks[chunk]());

        var output = await StripVariantAsync(input, format);

        var inputChunks = MediaLayout.RiffChunks(input);
        var chunks = MediaLayout.RiffChunks(output);
        Assert.Equal(output.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(output.AsSpan(4)));
        if (format == MediaFormat.WebP)
        {
            Assert.Equal(["VP8X", "ICCP", "VP8L"], chunks.Select(c => c.Type));
            Assert.Equal(inputChunks.Single(c => c.Type == "ICCP").Data, chunks[1].Data);
            Assert.Equal(inputChunks.Single(c => c.Type == "VP8L").Data, chunks[2].Data);
            Assert.Equal(0x20, chunks[0].Data[0]); // ICC profile; no EXIF, no XMP
            StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
            StrippedCopy.AssertSamePixels(input, output);
        }
        else
        {
            Assert.Equal(["fmt ", "data"], chunks.Select(c => c.Type));
            Assert.Equal(inputChunks.Single(c => c.Type == "data").Data, chunks[1].Data);
        }

        StrippedCopy.AssertTagReaderFindsNothing(output, format == MediaFormat.WebP ? "copy.webp" : "copy.wav");
    }

    /// <summary>
    /// The fixtures measured with the reference reader itself: exiftool reads the pupil in each fixture that
    /// hides her where exiftool looks, and reads her in no copy. Skipped where exiftool is not installed.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(AllVariantNames))]
    public async Task Exiftool_reads_the_pupil_in_the_fixture_and_not_in_the_copy(string variant)
    {
        var (_, format, extension, input, exiftoolReadsIt) = AllVariants().Single(v => v.Name == variant);
        var inputText = ExifTool(input, extension);
        Skip.If(inputText is null, "exiftool is not installed (Debian: libimage-exiftool-perl)");

        var (result, output) = await StrippedCopy.StripAsync(input, format);
        Assert.True(result.Succeeded, $"{result.ReasonCode}: {result.Message}");
        var outputText = ExifTool(output, extension)!;

        if (exiftoolReadsIt)
        {
            Assert.True(Pupil.Identifiers.Any(v => inputText!.Contains(v, StringComparison.Ordinal)), $"exiftool does not read the pupil in the fixture:\n{inputText}");
        }

        foreach (var value in Pupil.Identifiers)
        {
            Assert.DoesNotContain(value, outputText, StringComparison.Ordinal);
        }
    }

    private static async Task<byte[]> StripVariantAsync(byte[] input, MediaFormat format, bool plain = true)
    {
        if (plain)
        {
            Pupil.AssertPresent(input);
        }

        var (result, output) = await StrippedCopy.StripAsync(input, format);

        Assert.True(result.Succeeded, $"{result.ReasonCode}: {result.Message}");
        Pupil.AssertAbsent(output);
        return output;
    }

    /// <summary>The copy holds the same scan and frame segments, an EXIF orientation and the ICC profile, and nothing else; it decodes to the same pixels.</summary>
    private static void AssertValidJpeg(byte[] input, byte[] output)
    {
        Assert.Equal(MediaLayout.JpegScan(Untagged()), MediaLayout.JpegScan(output));
        Assert.True(output.AsSpan().EndsWith((ReadOnlySpan<byte>)[0xFF, 0xD9]), "the copy does not end with EOI");
        var segments = MediaLayout.JpegSegments(output);
        Assert.All(segments, s => Assert.True(s.Marker is 0xE1 or 0xE2 or 0xDB or 0xC4 or 0xC0 or 0xDA, $"segment 0x{s.Marker:X2} is in the copy"));
        Assert.Equal(MediaLayout.JpegIccSegment(Icc)[4..], segments.Single(s => s.Marker == 0xE2).Payload);
        StrippedCopy.AssertMetadataExtractorFindsNothing(output, Pupil.Identifiers);
        StrippedCopy.AssertTagReaderFindsNothing(output, "copy.jpg");
        StrippedCopy.AssertSamePixels(input, output);
    }

    private static int? ExifOrientation(byte[] jpeg)
    {
        var ifd0 = ImageMetadataReader.ReadMetadata(new MemoryStream(jpeg)).OfType<ExifIfd0Directory>().SingleOrDefault();
        return ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var value) ? value : null;
    }

    private static byte[] MinimalExifPayload(int orientation)
    {
        byte[] payload = [.. "Exif\0\0"u8, .. "MM\0*"u8, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        payload[25] = (byte)orientation;
        return payload;
    }

    private static byte[] Untagged() => System.IO.File.ReadAllBytes(StrippedCopy.FixturePath("untagged.jpg"));

    /// <summary>The untagged JPEG with a standard EXIF orientation and an ICC profile, then <paramref name="segments"/>.</summary>
    private static byte[] Jpeg(params byte[][] segments) =>
        MediaLayout.AfterSoi(
            Untagged(),
            [
                MediaLayout.JpegSegment(0xE1, [.. "Exif\0\0"u8, .. Pupil.ExifTiff(Orientation, tagged: false)]),
                MediaLayout.JpegIccSegment(Icc),
                .. segments,
            ]);

    /// <summary>The untagged JPEG with an EXIF APP1 of <paramref name="header"/> and <paramref name="tiff"/>, and an ICC profile.</summary>
    private static byte[] Jpeg(byte[] header, byte[] tiff) =>
        MediaLayout.AfterSoi(Untagged(), MediaLayout.JpegSegment(0xE1, [.. header, .. tiff]), MediaLayout.JpegIccSegment(Icc));

    private static byte[] Segment(byte marker, string header, string packet) =>
        MediaLayout.JpegSegment(marker, [.. Encoding.Latin1.GetBytes(header), .. Encoding.UTF8.GetBytes(packet)]);

    /// <summary>
    /// An AFCP trailer (AXS File Concatenation Protocol) starting at <paramref name="start"/>: the header, one
    /// directory entry pointing at the IPTC data, the data, and the closing record that points back at the header.
    /// </summary>
    private static byte[] AfcpTrailer(int start, bool bigEndian)
    {
        var iptc = Pupil.Iptc();
        var trailer = new byte[12 + 12 + iptc.Length + 12];
        var signature = bigEndian ? "AXS!"u8 : "AXS*"u8;
        void Write16(int at, int value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(trailer.AsSpan(at), (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(trailer.AsSpan(at), (ushort)value);
            }
        }

        void Write32(int at, int value)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(at), value);
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(at), value);
            }
        }

        signature.CopyTo(trailer);
        Write16(4, 0x0100); // version 1.0
        Write16(6, 1); // one entry
        "IPTC"u8.CopyTo(trailer.AsSpan(12));
        Write32(16, iptc.Length);
        Write32(20, start + 24);
        iptc.CopyTo(trailer, 24);
        signature.CopyTo(trailer.AsSpan(24 + iptc.Length));
        Write32(28 + iptc.Length, start);
        return trailer;
    }

    /// <summary>The image tags a TIFF page keeps: the orientation and an ICC profile.</summary>
    private static (ushort Tag, ushort Type, byte[] Value)[] KeptTiffTags() => [(274, 3, TiffBuilder.U16(Orientation)), (34675, 7, Icc)];

    private static byte[] Padded(byte[] bytes, int multiple) => [.. bytes, .. new byte[(multiple - (bytes.Length % multiple)) % multiple]];

    private static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    /// <summary>A 4x4 picture of distinct colours, encoded by ImageSharp.</summary>
    private static byte[] Encode(Action<Image, Stream> save)
    {
        using var image = new Image<Rgba32>(4, 4);
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                image[x, y] = new Rgba32((byte)(x * 60), (byte)(y * 60), 200, 255);
            }
        }

        using var ms = new MemoryStream();
        save(image, ms);
        return ms.ToArray();
    }

    /// <summary>
    /// A PNG with an ICC profile (<c>iCCP</c>) right after IHDR, then the <paramref name="exif"/> chunks (by
    /// default one <c>eXIf</c> that holds only the orientation).
    /// </summary>
    private static byte[] Png(params byte[][] exif) =>
        MediaLayout.AfterIhdr(
            Encode((image, stream) => image.SaveAsPng(stream)),
            [MediaLayout.PngChunk("iCCP", [.. "ICC Profile\0"u8, 0, .. Deflate(Icc)]), .. exif.Length == 0 ? [ExifChunk()] : exif]);

    private static byte[] ExifChunk() => MediaLayout.PngChunk("eXIf", Pupil.ExifTiff(Orientation, tagged: false));

    /// <summary>A GIF with its ICC profile in the <c>ICCRGBG1012</c> application extension, before the trailer.</summary>
    private static byte[] Gif() => MediaLayout.BeforeGifTrailer(Encode((image, stream) => image.SaveAsGif(stream)), GifIccExtension());

    private static byte[] GifIccExtension() => MediaLayout.GifExtension(0xFF, "ICCRGBG1012"u8.ToArray(), Icc);

    /// <summary>
    /// A WebP (VP8X with an ICC profile, a lossless image, then <paramref name="chunk"/>) or a WAV (8-bit mono
    /// PCM, then <paramref name="chunk"/>); VP8X flags the EXIF or XMP chunk when it is one.
    /// </summary>
    private static byte[] Riff(MediaFormat format, byte[] chunk)
    {
        if (format == MediaFormat.Wav)
        {
            byte[] fmt = [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0];
            return MediaLayout.Riff("WAVE", MediaLayout.RiffChunk("fmt ", fmt), chunk, MediaLayout.RiffChunk("data", [.. Enumerable.Repeat((byte)0x80, 16)]));
        }

        var webp = Encode((image, stream) => image.SaveAsWebp(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }));
        var image = MediaLayout.RiffChunks(webp).Single(c => c.Type == "VP8L").Data;
        var type = Encoding.ASCII.GetString(chunk, 0, 4);
        var vp8x = new byte[10];
        vp8x[0] = (byte)(0x20 | (type == "EXIF" ? 0x08 : 0) | (type == "XMP " ? 0x04 : 0));
        vp8x[4] = 3; // canvas width - 1
        vp8x[7] = 3; // canvas height - 1
        return MediaLayout.Riff("WEBP", MediaLayout.RiffChunk("VP8X", vp8x), MediaLayout.RiffChunk("ICCP", Icc), MediaLayout.RiffChunk("VP8L", image), chunk);
    }

    /// <summary>A HEIF whose item 2 is a metadata item of entry <paramref name="entry"/>, its data in a second <c>mdat</c> at the end.</summary>
    private static IsoNode[] HeifWithItem(byte[] entry, byte[] data)
    {
        IsoNode[] Build(int offset) => Heif(top: [Keep("mdat", data)], items: [Keep("infe", entry)], locations: [(2, offset, data.Length)]);
        var at = Layout(Build(0)).Last(b => b.Path == "/mdat").Start + 8;
        return Build(at);
    }

    /// <summary>A HEIF Exif item: the offset of the TIFF header (0), then the TIFF.</summary>
    private static byte[] HeifExif() => [0, 0, 0, 0, .. Pupil.ExifTiff(orientation: null)];

    private static byte[] PupilUuid() => XmpUuidPayload(Pupil.Xmp());

    /// <summary>ImageMagick's raw profile text: a newline, the name, the length in eight columns, then hex in lines of 72 digits.</summary>
    private static byte[] RawProfile(string name, byte[] data)
    {
        var text = new StringBuilder().Append('\n').Append(name).Append('\n').Append(data.Length.ToString("D", System.Globalization.CultureInfo.InvariantCulture).PadLeft(8)).Append('\n');
        var hex = Convert.ToHexStringLower(data);
        for (var i = 0; i < hex.Length; i += 72)
        {
            text.Append(hex, i, Math.Min(72, hex.Length - i)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static byte[] Deflate(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var zlib = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>
    /// Every fixture with its format, file extension and whether exiftool reads the pupil there. exiftool
    /// (12.57) does not look into free space, nor for <c>XMP_</c> outside <c>udta</c>, nor for an XMP
    /// <c>uuid</c> below the top level, nor at a PNG's second <c>eXIf</c>: those places are stripped all the
    /// same, because SPEC §3.1 names them and other writers and readers use them.
    /// </summary>
    private static IEnumerable<(string Name, MediaFormat Format, string Extension, byte[] Input, bool ExiftoolReadsIt)> AllVariants()
    {
        foreach (var (name, build) in JpegVariants)
        {
            yield return ($"JPEG: {name}", MediaFormat.Jpeg, "jpg", build(), true);
        }

        foreach (var (name, header) in ExifHeaders)
        {
            yield return ($"JPEG EXIF header: {name}", MediaFormat.Jpeg, "jpg", Jpeg(header, Pupil.ExifTiff(Orientation)), true);
        }

        foreach (var (name, build) in TiffVariants)
        {
            yield return ($"TIFF: {name}", MediaFormat.Tiff, "tif", build(), true);
        }

        foreach (var (name, build) in PngVariants)
        {
            yield return ($"PNG: {name}", MediaFormat.Png, "png", build(), !name.StartsWith("a second eXIf", StringComparison.Ordinal));
        }

        foreach (var (name, (entry, data)) in HeifVariants)
        {
            yield return ($"HEIF: {name}", MediaFormat.Heif, "heic", File(HeifWithItem(entry(2), data())), true);
        }

        foreach (var (name, build) in MovieVariants)
        {
            var read = name.Contains("moov/udta", StringComparison.Ordinal);
            yield return ($"MP4: {name}", MediaFormat.IsoMedia, name.Contains("QuickTime", StringComparison.Ordinal) ? "mov" : "mp4", File(build()), read);
        }

        foreach (var (name, build) in GifVariants)
        {
            yield return ($"GIF: {name}", MediaFormat.Gif, "gif", build(), true);
        }

        foreach (var (name, build) in RiffChunks)
        {
            yield return ($"WebP: {name}", MediaFormat.WebP, "webp", Riff(MediaFormat.WebP, build()), true);
            yield return ($"WAV: {name}", MediaFormat.Wav, "wav", Riff(MediaFormat.Wav, build()), true);
        }
    }

    /// <summary>exiftool's listing of every tag it reads in <paramref name="bytes"/>; null when exiftool is not installed.</summary>
    private static string? ExifTool(byte[] bytes, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mediagate-variant-{Guid.NewGuid():N}.{extension}");
        System.IO.File.WriteAllBytes(path, bytes);
        try
        {
            var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-a", "-u", "-G1", "-s", "-charset", "utf8", path })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return stdout + stderr.Result;
        }
        catch (Win32Exception)
        {
            return null; // not installed
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
