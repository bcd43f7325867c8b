using System.Buffers.Binary;
using Kalisto.MediaGate.Imaging.Stripping;
using Kalisto.MediaGate.Tags;
using static Kalisto.MediaGate.Imaging.Tests.Stripping.StrippedCopy;

namespace Kalisto.MediaGate.Imaging.Tests.Stripping;

/// <summary>Broken, truncated and crafted input fails closed: a failed result, no exception, nothing written.</summary>
public sealed class MetadataStripperHostileInputTests
{
    public static TheoryData<string, MediaFormat> Fixtures => new()
    {
        { "jpeg-identifiers.jpg", MediaFormat.Jpeg },
        { "png-identifiers.png", MediaFormat.Png },
        { "tiff-identifiers.tif", MediaFormat.Tiff },
        { "webp-identifiers.webp", MediaFormat.WebP },
        { "heic-identifiers.heic", MediaFormat.Heif },
        { "gif-identifiers.gif", MediaFormat.Gif },
        { "mov-identifiers.mov", MediaFormat.IsoMedia },
        { "mp4-identifiers.mp4", MediaFormat.IsoMedia },
        { "wav-identifiers.wav", MediaFormat.Wav },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Truncated_file_gives_a_failed_result_and_no_output(string fixture, MediaFormat format)
    {
        var bytes = await File.ReadAllBytesAsync(FixturePath(fixture));
        foreach (var length in new[] { 1, 7, bytes.Length / 4, bytes.Length / 2, bytes.Length * 3 / 4 })
        {
            var (result, output) = await StripAsync(bytes[..length], format);

            Assert.False(result.Succeeded, $"{fixture} cut at {length} was stripped");
            Assert.Contains(result.ReasonCode, new[] { "unreadable", "unsupported-type", "too-large" });
            Assert.Empty(output);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Garbage_gives_a_failed_result(string fixture, MediaFormat format)
    {
        var garbage = new byte[4096];
        new Random(fixture.Length).NextBytes(garbage);

        var (result, output) = await StripAsync(garbage, format);

        Assert.Equal("unreadable", result.ReasonCode);
        Assert.Empty(output);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Empty_file_is_unreadable(string fixture, MediaFormat format)
    {
        _ = fixture;

        var (result, _) = await StripAsync([], format);

        Assert.Equal("unreadable", result.ReasonCode);
    }

    [Fact]
    public async Task Unknown_format_is_unsupported()
    {
        var (result, output) = await StripAsync("ID3 not a picture"u8.ToArray(), MediaFormat.Unknown);

        Assert.Equal("unsupported-type", result.ReasonCode);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Jpeg_passed_as_png_is_unreadable()
    {
        var (result, _) = await StripAsync(await File.ReadAllBytesAsync(FixturePath("untagged.jpg")), MediaFormat.Png);

        Assert.Equal("unreadable", result.ReasonCode);
    }

    [Fact]
    public async Task Tiff_directory_loop_is_unreadable()
    {
        var tiff = TiffBuilder.TwoPages("LL-1001", "LL-1002");
        var first = BinaryPrimitives.ReadInt32LittleEndian(tiff.AsSpan(4));
        var second = first + 2 + (12 * 11) + 4;
        BinaryPrimitives.WriteInt32LittleEndian(tiff.AsSpan(second + 2 + (12 * 11)), first); // page 2 points back to page 1

        var (result, output) = await StripAsync(tiff, MediaFormat.Tiff);

        Assert.Equal("unreadable", result.ReasonCode);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Box_larger_than_its_file_is_unreadable()
    {
        byte[] file = [.. MediaLayout.Box("ftyp", "isom"u8.ToArray(), new byte[4]), 0x7F, 0, 0, 0, .. "moov"u8, 0, 0, 0, 0];

        var (result, _) = await StripAsync(file, MediaFormat.IsoMedia);

        Assert.Equal("unreadable", result.ReasonCode);
    }

    [Fact]
    public async Task Deeply_nested_tracks_are_refused_without_recursing_forever()
    {
        var box = MediaLayout.Box("trak");
        for (var i = 0; i < 50; i++)
        {
            box = MediaLayout.Box("trak", box);
        }

        var (result, _) = await StripAsync([.. MediaLayout.Box("ftyp", "isom"u8.ToArray(), new byte[4]), .. MediaLayout.Box("moov", box)], MediaFormat.IsoMedia);

        Assert.Equal("unreadable", result.ReasonCode);
    }

    [Fact]
    public async Task Deeply_nested_media_boxes_of_every_kind_are_refused_without_recursing_forever()
    {
        string[] containers = ["mdia", "minf", "stbl", "edts", "dinf", "traf", "moof", "mvex", "wave", "ipco"];
        var box = IsoNode.Box("free", []);
        for (var i = 0; i < 60; i++)
        {
            box = IsoNode.Box(containers[i % containers.Length], box);
        }

        var (result, output) = await StripAsync([.. MediaLayout.Box("ftyp", "isom"u8.ToArray(), new byte[4]), .. IsoNode.Box("moov", box)], MediaFormat.IsoMedia);

        Assert.Equal("unreadable", result.ReasonCode);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Too_many_boxes_in_the_movie_are_refused()
    {
        var moov = IsoNode.Box("moov", [.. Enumerable.Repeat(IsoNode.Box("free", []), 100_001).SelectMany(b => b)]);

        var (result, output) = await StripAsync([.. MediaLayout.Box("ftyp", "isom"u8.ToArray(), new byte[4]), .. moov], MediaFormat.IsoMedia);

        Assert.Equal("unreadable", result.ReasonCode);
        Assert.Contains("too many boxes", result.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    public static TheoryData<string> BrokenSampleEntries => ["video entry with a box that runs past it", "video entry shorter than its fields", "sound entry of an unknown version"];

    [Theory]
    [MemberData(nameof(BrokenSampleEntries))]
    public async Task Sample_entry_whose_boxes_cannot_be_found_is_unreadable(string entry)
    {
        var model = entry switch
        {
            "video entry with a box that runs past it" => IsoFixtures.Movie(moov: [IsoFixtures.OpaqueTrack("vide", IsoNode.Keep("avc1", [.. IsoFixtures.VisualFields(), 0, 0, 0, 0x40, .. "avcC"u8, 1, 2, 3]))]),
            "video entry shorter than its fields" => IsoFixtures.Movie(moov: [IsoFixtures.OpaqueTrack("vide", IsoNode.Keep("avc1", new byte[40]))]),
            _ => IsoFixtures.Movie(soundFields: IsoFixtures.SoundFields(7, 28), sound: [IsoFixtures.UserData()]),
        };

        var (result, output) = await StripAsync(IsoNode.File(model), MediaFormat.IsoMedia);

        Assert.Equal("unreadable", result.ReasonCode);
        Assert.Contains("sample description", result.Message, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Jpeg_segment_with_a_length_below_two_is_unreadable()
    {
        var (result, _) = await StripAsync([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9], MediaFormat.Jpeg);

        Assert.Equal("unreadable", result.ReasonCode);
    }

    [Fact]
    public async Task Cancelled_strip_throws_instead_of_failing()
    {
        using var source = new MemoryStream(await File.ReadAllBytesAsync(FixturePath("untagged.jpg")));
        using var destination = new MemoryStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new MetadataStripper().StripAsync(source, MediaFormat.Jpeg, destination, new CancellationToken(canceled: true)));
    }
}
