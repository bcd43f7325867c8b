using System.Text;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>
/// SPEC §3.1 "Safety net": text that looks like a subject ID in metadata MediaGate examined, but in no
/// tag location, makes the item unreadable with the place named.
/// </summary>
public sealed class SafetyNetTests
{
    private const string Dc = "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"";

    private static TagReadResult Read(byte[] content, string name = "photo.jpg", string? pattern = null) =>
        new TagReader(Options.Create(new TagReaderOptions()), Options.Create(new ConsentOptions { SubjectIdPattern = pattern ?? new ConsentOptions().SubjectIdPattern }))
            .Read(new MemoryStream(content), name);

    private static void AssertCaught(TagReadResult result, string place)
    {
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ReasonCode.Unreadable, problem.Code);
        Assert.Contains(place, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LL-1001", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_in_the_xmp_description_is_caught_with_its_place()
    {
        var xmp = MediaBuilder.Xmp($"<rdf:Description rdf:about=\"\" {Dc}><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">Sportdag met LL-1001</rdf:li></rdf:Alt></dc:description></rdf:Description>");

        AssertCaught(Read(MediaBuilder.Jpeg(xmp)), "XMP dc:description (APP1)");
    }

    [Fact]
    public void An_rdf_typed_node_is_no_tag_location_and_is_caught()
    {
        var xmp = MediaBuilder.Xmp($"<dc:Thing rdf:about=\"\" {Dc}><dc:subject><rdf:Bag><rdf:li>LL-1001</rdf:li></rdf:Bag></dc:subject></dc:Thing>");

        var result = Read(MediaBuilder.Jpeg(xmp));

        Assert.Empty(result.Keywords);
        AssertCaught(result, "dc:subject");
    }

    [Fact]
    public void A_typed_person_details_entry_is_caught()
    {
        var xmp = MediaBuilder.Xmp(
            "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"><Iptc4xmpExt:PersonInImageWDetails><rdf:Bag><rdf:li>" +
            "<Iptc4xmpExt:PersonDetails><Iptc4xmpExt:PersonId>LL-1001</Iptc4xmpExt:PersonId></Iptc4xmpExt:PersonDetails>" +
            "</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImageWDetails></rdf:Description>");

        AssertCaught(Read(MediaBuilder.Jpeg(xmp)), "Iptc4xmpExt:PersonId");
    }

    [Fact]
    public void An_id_in_an_xml_comment_is_caught()
    {
        var xmp = MediaBuilder.Xmp($"<!-- LL-1001 --><rdf:Description rdf:about=\"\" {Dc}/>");

        AssertCaught(Read(MediaBuilder.Jpeg(xmp)), "XMP comment");
    }

    [Fact]
    public void A_pet_region_named_with_an_id_is_caught()
    {
        var xmp = MediaBuilder.Xmp(
            "<rdf:Description rdf:about=\"\" xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\"><mwg-rs:Regions rdf:parseType=\"Resource\"><mwg-rs:RegionList><rdf:Bag>" +
            "<rdf:li mwg-rs:Name=\"LL-1001\" mwg-rs:Type=\"Pet\"/></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description>");

        AssertCaught(Read(MediaBuilder.Jpeg(xmp)), "mwg-rs:Name");
    }

    [Fact]
    public void An_id_in_a_jpeg_comment_is_caught()
    {
        AssertCaught(Read(MediaBuilder.Jpeg(null, 16, MediaBuilder.JpegSegment(0xFE, "Foto van LL-1001"u8.ToArray()))), "JPEG comment");
    }

    [Fact]
    public void An_id_in_the_exif_image_description_is_caught()
    {
        var tiff = EveryPacketTests.Tiff([(270, 2, "LL-1001 op het podium\0"u8.ToArray())]);

        AssertCaught(Read(MediaBuilder.Jpeg(null, 16, MediaBuilder.JpegSegment(0xE1, [.. "Exif\0\0"u8, .. tiff]))), "EXIF Image Description");
    }

    [Fact]
    public void An_id_in_the_iptc_caption_is_caught()
    {
        var iim = EveryPacketTests.IimDataset(2, 120, "Groep 8 met LL-1001");
        var app13 = MediaBuilder.JpegSegment(0xED, [.. "Photoshop 3.0\0"u8, .. EveryPacketTests.Irb(0x0404, iim)]);

        AssertCaught(Read(MediaBuilder.Jpeg(null, 16, app13)), "IPTC Caption");
    }

    [Fact]
    public void An_id_in_a_png_text_chunk_is_caught()
    {
        var comment = EveryPacketTests.PngChunk("tEXt", [.. "Comment\0"u8, .. "LL-1001"u8]);

        AssertCaught(Read(EveryPacketTests.Png(null, comment), "photo.png"), "PNG tEXt 'Comment'");
    }

    [Fact]
    public void Ids_in_tag_locations_and_look_alikes_inside_words_are_not_caught()
    {
        var xmp = MediaBuilder.Xmp(
            MediaBuilder.DcSubject("LL-1001") +
            $"<rdf:Description rdf:about=\"\" {Dc}><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">XLL-1001 and LL-10012345678901 and LL-12</rdf:li></rdf:Alt></dc:description></rdf:Description>");

        var result = Read(MediaBuilder.Jpeg(xmp));

        Assert.Empty(result.Problems);
        Assert.Equal("LL-1001", Assert.Single(result.Keywords).Value);
    }

    [Fact]
    public void The_configured_subject_id_pattern_is_what_is_looked_for()
    {
        var xmp = MediaBuilder.Xmp($"<rdf:Description rdf:about=\"\" {Dc} dc:title=\"Leerling p-20391 op sportdag\"/>");
        var jpeg = MediaBuilder.Jpeg(xmp);

        Assert.Empty(Read(jpeg).Problems);
        Assert.Contains("dc:title", Assert.Single(Read(jpeg, pattern: @"^P-\d{5}$").Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_in_a_utf16_exif_title_is_caught()
    {
        var tiff = EveryPacketTests.Tiff([(0x9C9B, 1, [.. Encoding.Unicode.GetBytes("LL-1001"), 0, 0])]);

        AssertCaught(Read(MediaBuilder.Jpeg(null, 16, MediaBuilder.JpegSegment(0xE1, [.. "Exif\0\0"u8, .. tiff]))), "EXIF Windows XP Title");
    }
}
