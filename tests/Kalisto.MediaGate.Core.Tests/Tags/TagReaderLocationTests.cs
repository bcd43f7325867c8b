using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Tags;

/// <summary>One test per tag location of SPEC §3.1, each from a fixture that has only that location.</summary>
public sealed class TagReaderLocationTests
{
    private static TagReadResult Read(string fixture)
    {
        using var stream = File.OpenRead(TestData.File(fixture));
        var result = new TagReader().Read(stream, fixture);
        Assert.Empty(result.Problems);
        return result;
    }

    [Fact]
    public void PersonInImage_values_are_persons()
    {
        var result = Read("xmp-personinimage.jpg");

        Assert.Equal(["Emma de Vries", "LL-1002"], result.Persons.Select(p => p.Value));
        Assert.All(result.Persons, p => Assert.Contains("Iptc4xmpExt:PersonInImage", p.Source, StringComparison.Ordinal));
        Assert.Empty(result.Keywords);
    }

    [Fact]
    public void PersonInImageWDetails_gives_one_person_per_entry_with_id_first_and_name_as_alternative()
    {
        var result = Read("xmp-personinimagewdetails.jpg");

        Assert.Equal(2, result.Persons.Count);
        Assert.Equal("LL-1001", result.Persons[0].Value);
        Assert.Equal(["Emma de Vries"], result.Persons[0].Alternatives!);
        Assert.Equal("Noah Bakker", result.Persons[1].Value);
        Assert.All(result.Persons, p => Assert.Contains("PersonInImageWDetails", p.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Mwg_face_regions_are_persons_with_centre_based_areas_turned_to_top_left()
    {
        var result = Read("xmp-mwg-regions.jpg");

        // Region 3 is a Focus region named "Bal": not a person.
        Assert.Equal(2, result.Persons.Count);
        var emma = result.Persons[0];
        Assert.Equal("Emma de Vries", emma.Value);
        AssertRegion(emma.Region, 0.15, 0.35, 0.2, 0.3);
        var unnamed = result.Persons[1];
        Assert.True(unnamed.IsUnnamed);
        AssertRegion(unnamed.Region, 0.7, 0.4, 0.1, 0.2);
        Assert.All(result.Persons, p => Assert.Contains("mwg-rs:Regions", p.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Mwg_region_follows_exif_orientation_6_to_the_displayed_image()
    {
        var result = Read("xmp-mwg-regions-orientation6.jpg");

        Assert.Equal(6, result.Orientation);
        var emma = Assert.Single(result.Persons);

        // Stored: left 0.15, top 0.35, 0.2 x 0.3. Turned 90° clockwise: left = 1 - bottom, top = left.
        AssertRegion(emma.Region, 0.35, 0.15, 0.3, 0.2);
    }

    [Fact]
    public void Microsoft_regions_are_persons_with_top_left_rectangles_and_unnamed_ones_count()
    {
        var result = Read("xmp-mp-regions.jpg");

        Assert.Equal(2, result.Persons.Count);
        Assert.Equal("Sanne Jansen", result.Persons[0].Value);
        AssertRegion(result.Persons[0].Region, 0.1, 0.2, 0.3, 0.4);
        Assert.True(result.Persons[1].IsUnnamed);
        AssertRegion(result.Persons[1].Region, 0.5, 0.5, 0.1, 0.1);
        Assert.All(result.Persons, p => Assert.Contains("MP:RegionInfo", p.Source, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("xmp-dc-subject.jpg", "dc:subject", new[] { "LL-1001", "sportdag" })]
    [InlineData("xmp-lr-hierarchical.jpg", "lr:hierarchicalSubject", new[] { "Leerlingen", "Groep 8", "LL-1002" })]
    [InlineData("xmp-digikam-tagslist.jpg", "digiKam:TagsList", new[] { "Mensen", "Personeel", "MW-2001" })]
    [InlineData("xmp-microsoftphoto-lastkeyword.jpg", "MicrosoftPhoto:LastKeywordXMP", new[] { "Mensen", "LL-1001" })]
    [InlineData("iptc-keywords.jpg", "IPTC 2:25 Keywords", new[] { "LL-1002", "groep8" })]
    [InlineData("exif-xpkeywords.jpg", "EXIF XPKeywords", new[] { "LL-1001", "sportdag" })]
    [InlineData("mov-keys-keywords.mov", "com.apple.quicktime.keywords", new[] { "LL-1001" })]
    public void Keyword_locations_give_every_value_and_every_hierarchy_level(string fixture, string source, string[] expected)
    {
        var result = Read(fixture);

        Assert.Equal(expected, result.Keywords.Select(k => k.Value));
        Assert.All(result.Keywords, k => Assert.Contains(source, k.Source, StringComparison.Ordinal));
        Assert.Empty(result.Persons);
    }

    [Fact]
    public void No_people_keyword_sets_the_marker()
    {
        Assert.True(Read("no-people.jpg").HasNoPeopleMarker);
        Assert.False(Read("xmp-dc-subject.jpg").HasNoPeopleMarker);
    }

    [Fact]
    public void Untagged_file_has_no_tags_and_no_problems()
    {
        var result = Read("untagged.jpg");

        Assert.Empty(result.Persons);
        Assert.Empty(result.Keywords);
        Assert.False(result.HasNoPeopleMarker);
    }

    [Fact]
    public void Every_location_of_a_combined_file_is_read()
    {
        var result = Read("combined.jpg");

        Assert.Equal(["Emma de Vries", "Sanne Jansen"], result.Persons.Select(p => p.Value).Order());
        Assert.Equal(["LL-1002", "MW-2001", "groep8"], result.Keywords.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    internal static void AssertRegion(FaceRegion? region, double left, double top, double width, double height)
    {
        Assert.NotNull(region);
        Assert.Equal(left, region.Left, 6);
        Assert.Equal(top, region.Top, 6);
        Assert.Equal(width, region.Width, 6);
        Assert.Equal(height, region.Height, 6);
    }
}
