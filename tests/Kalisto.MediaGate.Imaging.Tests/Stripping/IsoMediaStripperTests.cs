using System.Text;
using Kalisto.MediaGate.Tags;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.IsoFixtures;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.IsoNode;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>
/// MP4, QuickTime, fragmented MP4 and HEIF files built in code, with a pupil's name and a location hidden
/// in one place of the structure each: the copy has the same length, no trace of either, every other byte
/// as it was (mdat, ftyp, mvhd, tkhd, stco, the picture) and still parses box by box.
/// </summary>
public sealed class IsoMediaStripperTests
{
    private static readonly Dictionary<string, Func<IsoNode[]>> MovieCases = new()
    {
        ["free at the top level"] = () => Movie(top: [Emptied("free", Xmp())]),
        ["skip at the top level"] = () => Movie(top: [Emptied("skip", Xmp())]),
        ["free at the top level, UTF-16 packet"] = () => Movie(top: [Emptied("free", Xmp(Encoding.BigEndianUnicode))]),
        ["free at the top level, UTF-16LE packet"] = () => Movie(top: [Emptied("free", Xmp(Encoding.Unicode))]),
        ["free inside moov"] = () => Movie(moov: [Emptied("free", Xmp())]),
        ["free inside moov/udta"] = () => Movie(moov: [Gone("udta", Keep("\u00a9nam", Encoding.UTF8.GetBytes(Name)), Keep("free", Xmp()))]),
        ["free inside trak"] = () => Movie(trak: [Emptied("free", Xmp())]),
        ["free inside edts"] = () => Movie(edts: [Emptied("free", Xmp())]),
        ["free inside mdia"] = () => Movie(mdia: [Emptied("free", Xmp())]),
        ["skip inside minf"] = () => Movie(minf: [Emptied("skip", Xmp())]),
        ["free inside dinf"] = () => Movie(dinf: [Emptied("free", Xmp())]),
        ["free inside stbl"] = () => Movie(stbl: [Emptied("free", Xmp())]),
        ["free inside a video sample entry"] = () => Movie(video: [Emptied("free", Xmp())]),
        ["XMP_ inside moov"] = () => Movie(moov: [Gone("XMP_", Xmp())]),
        ["XMP_ inside trak"] = () => Movie(trak: [Gone("XMP_", Xmp())]),
        ["XMP_ inside mdia"] = () => Movie(mdia: [Gone("XMP_", Xmp())]),
        ["XMP_ inside minf"] = () => Movie(minf: [Gone("XMP_", Xmp())]),
        ["XMP_ inside stbl"] = () => Movie(stbl: [Gone("XMP_", Xmp())]),
        ["XMP_ inside dinf"] = () => Movie(dinf: [Gone("XMP_", Xmp())]),
        ["uuid inside trak"] = () => Movie(trak: [Gone("uuid", XmpUuidPayload())]),
        ["uuid inside mdia"] = () => Movie(mdia: [Gone("uuid", XmpUuidPayload())]),
        ["uuid inside edts"] = () => Movie(edts: [Gone("uuid", XmpUuidPayload())]),
        ["meta inside trak"] = () => Movie(trak: [QuickTimeMeta()]),
        ["meta inside mdia"] = () => Movie(mdia: [QuickTimeMeta()]),
        ["udta inside mdia"] = () => Movie(mdia: [UserData()]),
        ["udta inside minf"] = () => Movie(minf: [UserData()]),
        ["udta inside stbl"] = () => Movie(stbl: [UserData()]),
        ["uuid inside a video sample entry"] = () => Movie(video: [Gone("uuid", XmpUuidPayload())]),
        ["udta inside a sound sample entry"] = () => Movie(sound: [UserData()]),
        ["XMP_ and meta inside a sound sample entry"] = () => Movie(sound: [Gone("XMP_", Xmp()), QuickTimeMeta()]),
    };

    private static readonly Dictionary<string, Func<IsoNode[]>> FragmentedCases = new()
    {
        ["udta inside moof"] = () => Fragmented(moof: [UserData()]),
        ["meta inside moof"] = () => Fragmented(moof: [QuickTimeMeta()]),
        ["free inside moof"] = () => Fragmented(moof: [Emptied("free", Xmp())]),
        ["udta inside traf"] = () => Fragmented(traf: [UserData()]),
        ["meta inside traf"] = () => Fragmented(traf: [QuickTimeMeta()]),
        ["uuid inside traf"] = () => Fragmented(traf: [Gone("uuid", XmpUuidPayload())]),
        ["skip inside traf"] = () => Fragmented(traf: [Emptied("skip", Xmp())]),
        ["XMP_ inside mvex"] = () => Fragmented(mvex: [Gone("XMP_", Xmp())]),
        ["udta inside mfra"] = () => Fragmented(mfra: [UserData()]),
        ["free inside mfra"] = () => Fragmented(mfra: [Emptied("free", Xmp())]),
    };

    private static readonly Dictionary<string, Func<IsoNode[]>> HeifCases = new()
    {
        ["free with a name at the top level, uuid inside meta"] = () => Heif(top: [Emptied("free", Xmp())], meta: [Gone("uuid", XmpUuidPayload())]),
        ["free and udta inside meta"] = () => Heif(meta: [Emptied("free", Xmp()), UserData()]),
        ["XMP_ inside meta"] = () => Heif(meta: [Gone("XMP_", Xmp())]),
        ["uuid and free among the item properties"] = () => Heif(ipco: [Gone("uuid", XmpUuidPayload()), Emptied("free", Xmp())]),
        ["user description and accessibility text properties"] = () => Heif(ipco:
        [
            Gone("udes", [0, 0, 0, 0, .. "nl\0"u8, .. Encoding.UTF8.GetBytes($"{Name}\0{Place} {Latitude}\0\0")]),
            Gone("altt", [0, 0, 0, 0, .. Encoding.UTF8.GetBytes($"{Name} op het schoolplein\0nl\0")]),
        ]),
        ["udta, meta and XMP_ in an image sequence's movie"] = () => Heif(top: [ImageSequence(moov: [UserData(), Gone("XMP_", Xmp())], trak: [QuickTimeMeta()], entry: [])]),
        ["uuid in an image sequence's sample entry"] = () => Heif(top: [ImageSequence(moov: [], trak: [], entry: [Gone("uuid", XmpUuidPayload())])]),
    };

    public static TheoryData<string> MovieCaseNames => [.. MovieCases.Keys];

    public static TheoryData<string> FragmentedCaseNames => [.. FragmentedCases.Keys];

    public static TheoryData<string> HeifCaseNames => [.. HeifCases.Keys];

    [Theory]
    [MemberData(nameof(MovieCaseNames))]
    public async Task Name_and_location_hidden_in_a_movie_are_cleared(string place) =>
        await AssertStrippedAsModelledAsync(MovieCases[place](), MediaFormat.IsoMedia);

    [Theory]
    [MemberData(nameof(FragmentedCaseNames))]
    public async Task Name_and_location_hidden_in_a_fragmented_movie_are_cleared(string place) =>
        await AssertStrippedAsModelledAsync(FragmentedCases[place](), MediaFormat.IsoMedia);

    [Theory]
    [MemberData(nameof(HeifCaseNames))]
    public async Task Name_and_location_hidden_around_a_heif_picture_are_cleared(string place) =>
        await AssertStrippedAsModelledAsync(HeifCases[place](), MediaFormat.Heif);

    [Theory]
    [InlineData("qt  ", 0, 28)]
    [InlineData("qt  ", 1, 44)] // QuickTime sound description version 1
    [InlineData("qt  ", 1, 28)] // ISO AudioSampleEntryV1 in a QuickTime-branded file
    [InlineData("qt  ", 2, 64)]
    [InlineData("isom", 0, 28)]
    [InlineData("isom", 1, 28)] // ISO AudioSampleEntryV1
    [InlineData("isom", 1, 44)] // a QuickTime version 1 description in an MP4, as some muxers write it
    public async Task Sound_entry_boxes_are_found_after_the_fields_its_version_gives(string brand, int version, int fieldsLength)
    {
        var wave = Walk("wave", Keep("frma", "mp4a"u8.ToArray()), Keep("esds", Filler(39, 20)), Emptied("free", Xmp()), Keep("\0\0\0\0", []));

        await AssertStrippedAsModelledAsync(Movie(brand: brand, soundFields: SoundFields(version, fieldsLength), sound: [wave, UserData()]), MediaFormat.IsoMedia);
    }

    [Fact]
    public async Task Sample_entries_of_text_and_timecode_tracks_are_copied_as_they_are()
    {
        // Their fixed fields differ per format: the stripper does not guess where boxes start in them.
        byte[] tx3g = [.. new byte[6], 0, 1, .. Filler(30, 21), .. Box("ftab", [0, 1, 0, 1, 5, .. "Serif"u8])];
        byte[] tmcd = [.. new byte[6], 0, 1, .. Filler(18, 22), .. Box("name", [0, 4, 0, 0, .. "reel"u8])];
        var model = Movie(moov: [OpaqueTrack("text", Keep("tx3g", tx3g)), OpaqueTrack("tmcd", Keep("tmcd", tmcd))], top: [Emptied("free", Xmp())]);

        await AssertStrippedAsModelledAsync(model, MediaFormat.IsoMedia);
    }

    [Fact]
    public async Task Heif_picture_lying_in_free_space_is_refused_rather_than_zeroed()
    {
        var free = Emptied("free", Samples);
        var at = Layout(Heif(top: [free])).Single(b => b.Path == "/free").Start + 8;
        var input = File(Heif(top: [free], imageOffset: at));

        var (result, output) = await StrippedCopy.StripAsync(input, MediaFormat.Heif);

        Assert.Equal("unsupported-type", result.ReasonCode);
        Assert.Empty(output);
    }

    private static Task AssertStrippedAsModelledAsync(IsoNode[] model, MediaFormat format) =>
        StrippedCopy.AssertIsoStrippedAsModelledAsync(model, format, [Name, Place, Latitude]);
}
