using System.Buffers.Binary;
using System.Text;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.IsoNode;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>
/// Small but complete MP4, QuickTime, fragmented MP4 and HEIF files as <see cref="IsoNode"/> trees, with
/// places where a test puts the boxes that hide a pupil's name and a location.
/// </summary>
internal static class IsoFixtures
{
    public const string Name = "Emma de Vries";

    /// <summary>ISO 6709, as QuickTime's ©xyz and XMP's xmpDM:shotLocation write it.</summary>
    public const string Place = "+52.3676+004.9041/";

    /// <summary>XMP's exif:GPSLatitude form.</summary>
    public const string Latitude = "52,22.056N";

    /// <summary>The media data: <see cref="Ftyp"/> is 24 bytes, so with <c>mdat</c> right after it the samples start at 32.</summary>
    public static readonly byte[] Samples = Filler(64, 3);

    public const int SamplesOffset = 32;

    private static readonly byte[] XmpUuid = Convert.FromHexString("BE7ACFCB97A942E89C71999491E3AFAC");

    /// <summary>An XMP packet as Adobe tools and exiftool write it: a person shown, and where the video was made.</summary>
    public static byte[] Xmp(Encoding? encoding = null) => (encoding ?? Encoding.UTF8).GetBytes(
        $"""<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmpDM="http://ns.adobe.com/xmp/1.0/DynamicMedia/"><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>{Name}</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage><exif:GPSLatitude>{Latitude}</exif:GPSLatitude><exif:GPSLongitude>4,54.246E</exif:GPSLongitude><xmpDM:shotLocation>{Place}</xmpDM:shotLocation></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""");

    /// <summary>The XMP <c>uuid</c> box's payload: the XMP UUID, then the packet.</summary>
    public static byte[] XmpUuidPayload() => XmpUuidPayload(Xmp());

    /// <summary>The XMP <c>uuid</c> box's payload for <paramref name="packet"/>.</summary>
    public static byte[] XmpUuidPayload(byte[] packet) => [.. XmpUuid, .. packet];

    /// <summary>A user data box as cameras and editors write it: a ©nam title, a ©xyz location and XMP.</summary>
    public static IsoNode UserData() =>
        Gone("udta", Keep("\u00a9nam", QuickTimeText(Name)), Keep("\u00a9xyz", QuickTimeText(Place)), Keep("XMP_", Xmp()));

    /// <summary>A QuickTime <c>meta</c> with the location key and an iTunes-style artist.</summary>
    public static IsoNode QuickTimeMeta() =>
        Gone(
            "meta",
            Keep("hdlr", [0, 0, 0, 0, .. "mhlrmdta"u8, .. new byte[12], 0]),
            Keep("keys", [0, 0, 0, 0, 0, 0, 0, 1, .. Box("mdta", "com.apple.quicktime.location.ISO6709"u8.ToArray())]),
            Keep("ilst", Box("\0\0\0\u0001", Box("data", [0, 0, 0, 1, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(Place)]))),
            Keep("free", Xmp()));

    /// <summary>
    /// ftyp, mdat, then moov with a video track (avc1) and a sound track (mp4a); each named place takes
    /// extra boxes, added after the boxes a writer puts there.
    /// </summary>
    public static IsoNode[] Movie(
        IsoNode[]? top = null,
        IsoNode[]? moov = null,
        IsoNode[]? trak = null,
        IsoNode[]? edts = null,
        IsoNode[]? mdia = null,
        IsoNode[]? minf = null,
        IsoNode[]? dinf = null,
        IsoNode[]? stbl = null,
        IsoNode[]? video = null,
        IsoNode[]? sound = null,
        string brand = "isom",
        byte[]? soundFields = null) =>
    [
        Ftyp(brand),
        Keep("mdat", Samples),
        Walk(
            "moov",
            [
                Keep("mvhd", Filler(100, 1)),
                Walk(
                    "trak",
                    [
                        Keep("tkhd", Filler(84, 2)),
                        Walk("edts", [Keep("elst", Filler(20, 4)), .. edts ?? []]),
                        Walk(
                            "mdia",
                            [
                                Keep("mdhd", Filler(24, 5)),
                                Keep("hdlr", Handler("vide")),
                                Walk(
                                    "minf",
                                    [
                                        Keep("vmhd", Filler(12, 6)),
                                        Walk("dinf", [DataReferences(), .. dinf ?? []]),
                                        Walk(
                                            "stbl",
                                            [
                                                Walk("stsd", EntryCount(), Walk("avc1", VisualFields(), [Keep("avcC", Filler(30, 7)), Keep("pasp", [0, 0, 0, 1, 0, 0, 0, 1]), .. video ?? []])),
                                                Keep("stts", [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0x03, 0xE9]),
                                                Keep("stsc", [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1]),
                                                Keep("stsz", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 24, 0, 0, 0, 24]),
                                                Keep("stco", ChunkOffsets(SamplesOffset)),
                                                .. stbl ?? [],
                                            ]),
                                        .. minf ?? [],
                                    ]),
                                .. mdia ?? [],
                            ]),
                        .. trak ?? [],
                    ]),
                SoundTrack(soundFields ?? SoundFields(0), sound ?? []),
                .. moov ?? [],
            ]),
        .. top ?? [],
    ];

    /// <summary>A fragmented MP4: moov with mvex, one moof with its traf, the mdat, and mfra.</summary>
    public static IsoNode[] Fragmented(IsoNode[]? mvex = null, IsoNode[]? moof = null, IsoNode[]? traf = null, IsoNode[]? mfra = null) =>
    [
        Keep("ftyp", [.. "iso6"u8, 0, 0, 0, 0, .. "iso6dash"u8]),
        Walk(
            "moov",
            [
                Keep("mvhd", Filler(100, 1)),
                Walk(
                    "trak",
                    Keep("tkhd", Filler(84, 2)),
                    Walk(
                        "mdia",
                        Keep("mdhd", Filler(24, 5)),
                        Keep("hdlr", Handler("vide")),
                        Walk(
                            "minf",
                            Keep("vmhd", Filler(12, 6)),
                            Walk(
                                "stbl",
                                Walk("stsd", EntryCount(), Walk("avc1", VisualFields(), Keep("avcC", Filler(30, 7)))),
                                Keep("stts", [0, 0, 0, 0, 0, 0, 0, 0]),
                                Keep("stco", [0, 0, 0, 0, 0, 0, 0, 0]))))),
                Walk("mvex", [Keep("trex", Filler(24, 11)), .. mvex ?? []]),
            ]),
        Walk(
            "moof",
            [
                Keep("mfhd", [0, 0, 0, 0, 0, 0, 0, 1]),
                Walk("traf", [Keep("tfhd", [0, 2, 0, 0, 0, 0, 0, 1]), Keep("tfdt", Filler(12, 12)), Keep("trun", Filler(20, 13)), .. traf ?? []]),
                .. moof ?? [],
            ]),
        Keep("mdat", Samples),
        Walk("mfra", [Keep("tfra", Filler(24, 14)), .. mfra ?? [], Keep("mfro", [0, 0, 0, 0, 0, 0, 0, 16])]),
    ];

    /// <summary>
    /// A HEIF with one hvc1 image item (ID 1) whose bytes are the <c>mdat</c> after <c>ftyp</c> (or lie at
    /// <paramref name="imageOffset"/>), and its properties in <c>iprp/ipco</c>; <paramref name="items"/> adds
    /// <c>infe</c> entries and <paramref name="locations"/> their <c>iloc</c> entries.
    /// </summary>
    public static IsoNode[] Heif(
        IsoNode[]? top = null,
        IsoNode[]? meta = null,
        IsoNode[]? ipco = null,
        int imageOffset = SamplesOffset,
        IsoNode[]? items = null,
        (int Id, int Offset, int Length)[]? locations = null) =>
    [
        Keep("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]),
        Keep("mdat", Samples),
        Walk(
            "meta",
            [0, 0, 0, 0],
            [
                Keep("hdlr", Handler("pict")),
                Keep("pitm", [0, 0, 0, 0, 0, 1]),
                Keep("iloc", ItemLocations([(1, imageOffset, Samples.Length), .. locations ?? []])),
                Walk("iinf", [0, 0, 0, 0, 0, (byte)(1 + (items?.Length ?? 0))], [Keep("infe", [2, 0, 0, 0, 0, 1, 0, 0, .. "hvc1"u8, 0]), .. items ?? []]),
                Walk(
                    "iprp",
                    Walk("ipco", [Keep("hvcC", Filler(23, 10)), Keep("ispe", [0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 8]), .. ipco ?? []]),
                    Keep("ipma", [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2, 0x81, 0x02])),
                .. meta ?? [],
            ]),
        .. top ?? [],
    ];

    /// <summary>A HEIF image sequence's movie: a <c>pict</c> track of hvc1 samples.</summary>
    public static IsoNode ImageSequence(IsoNode[] moov, IsoNode[] trak, IsoNode[] entry) =>
        Walk(
            "moov",
            [
                Keep("mvhd", Filler(100, 1)),
                Walk(
                    "trak",
                    [
                        Keep("tkhd", Filler(84, 2)),
                        Walk(
                            "mdia",
                            Keep("mdhd", Filler(24, 5)),
                            Keep("hdlr", Handler("pict")),
                            Walk(
                                "minf",
                                Keep("vmhd", Filler(12, 6)),
                                Walk(
                                    "stbl",
                                    Walk("stsd", EntryCount(), Walk("hvc1", VisualFields(), [Keep("hvcC", Filler(23, 10)), .. entry])),
                                    Keep("stco", ChunkOffsets(SamplesOffset))))),
                        .. trak,
                    ]),
                .. moov,
            ]);

    /// <summary>A track whose handler is <paramref name="handler"/> and whose one sample entry is copied as a whole.</summary>
    public static IsoNode OpaqueTrack(string handler, IsoNode entry) =>
        Walk(
            "trak",
            Keep("tkhd", Filler(84, 15)),
            Walk(
                "mdia",
                Keep("mdhd", Filler(24, 16)),
                Keep("hdlr", Handler(handler)),
                Walk("minf", Keep("nmhd", [0, 0, 0, 0]), Walk("stbl", Walk("stsd", EntryCount(), entry), Keep("stco", ChunkOffsets(SamplesOffset))))));

    public static IsoNode Ftyp(string brand) =>
        Keep("ftyp", [.. Encoding.ASCII.GetBytes(brand), 0, 0, 2, 0, .. Encoding.ASCII.GetBytes(brand), .. "mp41"u8]);

    /// <summary>The fixed fields of a visual sample entry (78 bytes): reserved, data reference 1, 640×480, 72 dpi, one frame, a compressor name, depth 24.</summary>
    public static byte[] VisualFields()
    {
        var fields = new byte[78];
        fields[7] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(24), 640);
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(26), 480);
        BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(28), 0x00480000);
        BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(32), 0x00480000);
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(40), 1);
        fields[42] = 10;
        "AVC Coding"u8.CopyTo(fields.AsSpan(43));
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(74), 24);
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(76), 0xFFFF);
        return fields;
    }

    /// <summary>
    /// The fixed fields of a sound sample entry: 28 bytes, 44 with QuickTime version 1's four packet
    /// fields, 64 with version 2's; <paramref name="length"/> chooses the layout, <paramref name="version"/>
    /// the version field, so an ISO AudioSampleEntryV1 is (1, 28).
    /// </summary>
    public static byte[] SoundFields(int version, int? length = null)
    {
        var fields = new byte[length ?? version switch { 1 => 44, 2 => 64, _ => 28 }];
        fields[7] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(8), (ushort)version);
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16BigEndian(fields.AsSpan(18), 16);
        BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(24), 44100u << 16);
        if (fields.Length >= 44)
        {
            BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(28), 1024); // samples per packet
            BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(32), 1536);
        }

        return fields;
    }

    /// <summary>Bytes that are never zero, so a box zeroed by mistake shows.</summary>
    public static byte[] Filler(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(1 + (((i * 31) + (seed * 17)) % 250)))];

    private static IsoNode SoundTrack(byte[] fields, IsoNode[] entry) =>
        Walk(
            "trak",
            Keep("tkhd", Filler(84, 8)),
            Walk(
                "mdia",
                Keep("mdhd", Filler(24, 9)),
                Keep("hdlr", Handler("soun")),
                Walk(
                    "minf",
                    Keep("smhd", [0, 0, 0, 0, 0, 0, 0, 0]),
                    Walk(
                        "stbl",
                        Walk("stsd", EntryCount(), Walk("mp4a", fields, [Keep("esds", Filler(39, 17)), .. entry])),
                        Keep("stco", ChunkOffsets(SamplesOffset + 48))))));

    private static IsoNode DataReferences() => Walk("dref", EntryCount(), Keep("url ", [0, 0, 0, 1]));

    /// <summary>A full box's version and flags, then an entry count of one.</summary>
    private static byte[] EntryCount() => [0, 0, 0, 0, 0, 0, 0, 1];

    private static byte[] Handler(string type) => [0, 0, 0, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes(type), .. new byte[12], .. "Handler\0"u8];

    private static byte[] ChunkOffsets(int offset)
    {
        byte[] payload = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(8), (uint)offset);
        return payload;
    }

    /// <summary>A version 0 <c>iloc</c> whose items have one extent each, 32-bit offset and length, no base offset.</summary>
    private static byte[] ItemLocations((int Id, int Offset, int Length)[] items)
    {
        const int entrySize = 2 + 2 + 2 + 4 + 4;
        var payload = new byte[4 + 2 + 2 + (entrySize * items.Length)];
        payload[4] = 0x44;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6), (ushort)items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var entry = payload.AsSpan(8 + (entrySize * i));
            BinaryPrimitives.WriteUInt16BigEndian(entry, (ushort)items[i].Id);
            BinaryPrimitives.WriteUInt16BigEndian(entry[4..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(entry[6..], (uint)items[i].Offset);
            BinaryPrimitives.WriteUInt32BigEndian(entry[10..], (uint)items[i].Length);
        }

        return payload;
    }

    /// <summary>A QuickTime user data text atom: length, language, text.</summary>
    private static byte[] QuickTimeText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, 0x15, 0xC7, .. bytes];
    }
}
