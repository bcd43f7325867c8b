using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>IPTC 2019+ image regions (SPEC §3.1): their persons, located by the region boundary.</summary>
public sealed class ImageRegionTests
{
    private const string Ns = "xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"";

    private static string Region(string boundary, string persons) =>
        $"<rdf:Description rdf:about=\"\" {Ns}><Iptc4xmpExt:ImageRegion><rdf:Bag><rdf:li rdf:parseType=\"Resource\">" +
        $"<Iptc4xmpExt:RegionBoundary rdf:parseType=\"Resource\">{boundary}</Iptc4xmpExt:RegionBoundary>{persons}" +
        "</rdf:li></rdf:Bag></Iptc4xmpExt:ImageRegion></rdf:Description>";

    private static string Fields(params (string Name, string Value)[] fields) =>
        string.Concat(fields.Select(f => $"<Iptc4xmpExt:{f.Name}>{f.Value}</Iptc4xmpExt:{f.Name}>"));

    private static string PersonInImage(string name) =>
        $"<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>{name}</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>";

    private static TagReadResult Read(byte[] jpeg)
    {
        var result = new TagReader().Read(new MemoryStream(jpeg), "photo.jpg");
        Assert.Empty(result.Problems);
        return result;
    }

    [Fact]
    public void A_relative_rectangle_locates_the_person_in_image()
    {
        var boundary = Fields(("rbShape", "rectangle"), ("rbUnit", "relative"), ("rbX", "0.1"), ("rbY", "0.2"), ("rbW", "0.3"), ("rbH", "0.4"));

        var person = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, PersonInImage("Emma de Vries"))))).Persons);

        Assert.Equal("Emma de Vries", person.Value);
        Assert.Contains("Iptc4xmpExt:ImageRegion", person.Source, StringComparison.Ordinal);
        TagReaderLocationTests.AssertRegion(person.Region, 0.1, 0.2, 0.3, 0.4);
    }

    [Fact]
    public void A_pixel_circle_is_located_by_its_bounding_box_on_the_frame_size()
    {
        // MediaBuilder's frame header says 16 × 16 pixels.
        var boundary = Fields(("rbShape", "circle"), ("rbUnit", "pixel"), ("rbX", "8"), ("rbY", "4"), ("rbRx", "2"));

        var person = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, PersonInImage("LL-1001"))))).Persons);

        TagReaderLocationTests.AssertRegion(person.Region, 0.375, 0.125, 0.25, 0.25);
    }

    [Fact]
    public void A_polygon_is_located_by_its_bounding_box_and_person_details_keep_their_alternatives()
    {
        var vertices = string.Concat(new[] { (0.2, 0.3), (0.5, 0.25), (0.4, 0.6) }.Select(v =>
            $"<rdf:li rdf:parseType=\"Resource\"><Iptc4xmpExt:rbX>{v.Item1}</Iptc4xmpExt:rbX><Iptc4xmpExt:rbY>{v.Item2}</Iptc4xmpExt:rbY></rdf:li>"));
        var boundary = Fields(("rbShape", "polygon"), ("rbUnit", "relative")) + $"<Iptc4xmpExt:rbVertices><rdf:Seq>{vertices}</rdf:Seq></Iptc4xmpExt:rbVertices>";
        var details = "<Iptc4xmpExt:PersonInImageWDetails><rdf:Bag><rdf:li rdf:parseType=\"Resource\">" +
            "<Iptc4xmpExt:PersonId><rdf:Bag><rdf:li>LL-1001</rdf:li></rdf:Bag></Iptc4xmpExt:PersonId>" +
            "<Iptc4xmpExt:PersonName><rdf:Alt><rdf:li xml:lang=\"x-default\">Emma de Vries</rdf:li></rdf:Alt></Iptc4xmpExt:PersonName>" +
            "</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImageWDetails>";

        var person = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, details)))).Persons);

        Assert.Equal("LL-1001", person.Value);
        Assert.Equal(["Emma de Vries"], person.Alternatives!);
        TagReaderLocationTests.AssertRegion(person.Region, 0.2, 0.25, 0.3, 0.35);
    }

    [Fact]
    public void A_region_on_a_turned_image_covers_the_stored_and_the_displayed_reading()
    {
        var boundary = Fields(("rbShape", "rectangle"), ("rbUnit", "relative"), ("rbX", "0.1"), ("rbY", "0.1"), ("rbW", "0.2"), ("rbH", "0.2"));
        var exif = MediaBuilder.JpegSegment(0xE1, [.. "Exif\0\0"u8, .. EveryPacketTests.Tiff([(274, 3, [6, 0])])]);

        var person = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, PersonInImage("LL-1001"))), 16, exif)).Persons);

        // Stored reading turned 90° clockwise: (0.7, 0.1, 0.2, 0.2); as displayed: (0.1, 0.1, 0.2, 0.2).
        TagReaderLocationTests.AssertRegion(person.Region, 0.1, 0.1, 0.8, 0.2);
    }

    [Fact]
    public void A_region_without_a_usable_boundary_still_names_a_person()
    {
        var boundary = Fields(("rbShape", "rectangle"), ("rbUnit", "furlong"), ("rbX", "1"), ("rbY", "1"), ("rbW", "1"), ("rbH", "1"));

        var person = Assert.Single(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, PersonInImage("LL-1001"))))).Persons);

        Assert.Equal("LL-1001", person.Value);
        Assert.Null(person.Region);
    }

    [Fact]
    public void A_region_of_no_person_is_no_person()
    {
        var boundary = Fields(("rbShape", "rectangle"), ("rbUnit", "relative"), ("rbX", "0"), ("rbY", "0"), ("rbW", "1"), ("rbH", "1"));

        Assert.Empty(Read(MediaBuilder.Jpeg(MediaBuilder.Xmp(Region(boundary, "<Iptc4xmpExt:rId>r1</Iptc4xmpExt:rId>")))).Persons);
    }
}
