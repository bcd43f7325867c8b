using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>One test per container of SPEC §3.1: the kind, the format and the tags in it.</summary>
public sealed class TagReaderContainerTests
{
    [Theory]
    [InlineData("combined.jpg", MediaKind.Image, MediaFormat.Jpeg, "LL-1002", "APP1")]
    [InlineData("png-xmp.png", MediaKind.Image, MediaFormat.Png, "LL-1001", "PNG iTXt")]
    [InlineData("png-exif.png", MediaKind.Image, MediaFormat.Png, "LL-1002", "PNG eXIf")]
    [InlineData("tiff-tags.tif", MediaKind.Image, MediaFormat.Tiff, "LL-1001", "TIFF tag 700")]
    [InlineData("tiff-tags.tif", MediaKind.Image, MediaFormat.Tiff, "LL-1002", "TIFF tag 33723")]
    [InlineData("tiff-tags.tif", MediaKind.Image, MediaFormat.Tiff, "MW-2001", "EXIF XPKeywords (TIFF)")]
    [InlineData("webp-xmp.webp", MediaKind.Image, MediaFormat.WebP, "LL-1002", "RIFF XMP chunk")]
    [InlineData("webp-xmp.webp", MediaKind.Image, MediaFormat.WebP, "LL-1001", "RIFF EXIF chunk")]
    [InlineData("heic-xmp.heic", MediaKind.Image, MediaFormat.Heif, "LL-1001", "HEIF XMP item")]
    [InlineData("heic-xmp.heic", MediaKind.Image, MediaFormat.Heif, "LL-1002", "HEIF Exif item")]
    [InlineData("gif-xmp.gif", MediaKind.Image, MediaFormat.Gif, "MW-2001", "GIF application extension")]
    [InlineData("mp4-uuid-xmp.mp4", MediaKind.Video, MediaFormat.IsoMedia, "LL-1001", "uuid box")]
    [InlineData("mov-udta-xmp.mov", MediaKind.Video, MediaFormat.IsoMedia, "LL-1002", "moov/udta/XMP_")]
    [InlineData("mov-keys-keywords.mov", MediaKind.Video, MediaFormat.IsoMedia, "LL-1001", "moov/meta")]
    [InlineData("m4a-xmp.m4a", MediaKind.Audio, MediaFormat.IsoMedia, "MW-2001", "uuid box")]
    [InlineData("wav-xmp.wav", MediaKind.Audio, MediaFormat.Wav, "LL-1002", "RIFF _PMX chunk")]
    public void Container_is_recognised_and_its_tags_read(string fixture, MediaKind kind, MediaFormat format, string keyword, string container)
    {
        using var stream = File.OpenRead(TestData.File(fixture));

        var result = new TagReader().Read(stream, fixture);

        Assert.Empty(result.Problems);
        Assert.Equal(kind, result.Kind);
        Assert.Equal(format, result.Format);
        Assert.Contains(result.Keywords, k => k.Value == keyword && k.Source.Contains(container, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("png-xmp.png", "Noah Bakker", "PNG iTXt")]
    [InlineData("heic-xmp.heic", "MW-2001", "HEIF XMP item")]
    public void Person_fields_are_read_in_other_containers(string fixture, string person, string container)
    {
        using var stream = File.OpenRead(TestData.File(fixture));

        var result = new TagReader().Read(stream, fixture);

        Assert.Contains(result.Persons, p => p.Value == person && p.Source.Contains(container, StringComparison.Ordinal));
    }

    [Fact]
    public void Quicktime_file_without_ftyp_is_still_a_video()
    {
        var xmp = MediaBuilder.Xmp(MediaBuilder.DcSubject("LL-1001"));
        var bytes = MediaBuilder.Box("moov", MediaBuilder.Box("udta", MediaBuilder.Box("XMP_", System.Text.Encoding.UTF8.GetBytes(xmp))));

        var result = new TagReader().Read(new MemoryStream(bytes), "old.mov");

        Assert.Equal(MediaKind.Video, result.Kind);
        Assert.Equal("LL-1001", Assert.Single(result.Keywords).Value);
    }

    [Theory]
    [InlineData(new byte[] { 0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0 }, "song.mp3")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37 }, "letter.pdf")]
    [InlineData(new byte[] { 0, 0, 0, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66, 0, 0, 0, 0, 0x61, 0x76, 0x69, 0x66, 0x6D, 0x69, 0x66, 0x31, 0x6D, 0x69, 0x61, 0x66 }, "photo.avif")]
    public void Other_types_are_unsupported(byte[] content, string name)
    {
        var result = new TagReader().Read(new MemoryStream(content), name);

        Assert.Equal(MediaKind.Unsupported, result.Kind);
        Assert.Equal("unsupported-type", Assert.Single(result.Problems).Code);
    }
}
