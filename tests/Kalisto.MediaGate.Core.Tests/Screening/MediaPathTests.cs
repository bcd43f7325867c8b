using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;

namespace Kalisto.MediaGate.Core.Tests.Screening;

public sealed class MediaPathTests
{
    [Theory]
    [InlineData("de-wilg/sportdag/estafette.jpg", "de-wilg", "sportdag/estafette.jpg")]
    [InlineData("De-Wilg/Sportdag/Estafette.JPG", "de-wilg", "Sportdag/Estafette.JPG")]
    [InlineData("de-wilg/x.jpg", "de-wilg", "x.jpg")]
    [InlineData("de-wilg/groep 8/één.jpg", "de-wilg", "groep 8/één.jpg")]
    [InlineData("de-wilg/a..b/x.jpg", "de-wilg", "a..b/x.jpg")]
    public void A_school_path_splits_into_school_and_the_rest(string name, string school, string relative)
    {
        var path = MediaPath.Parse(name);

        Assert.Null(path.Problem);
        Assert.Equal(school, path.School);
        Assert.Equal(relative, path.RelativePath);
        Assert.Equal($"{school}/{relative}", path.FullPath);
    }

    [Theory]
    [InlineData("de-wilg/../het-anker/x.jpg", "_unassigned/de-wilg/%2E%2E/het-anker/x.jpg")]
    [InlineData("de-wilg/./x.jpg", "_unassigned/de-wilg/%2E/x.jpg")]
    [InlineData("../het-anker/x.jpg", "_unassigned/%2E%2E/het-anker/x.jpg")]
    [InlineData("de-wilg\\..\\het-anker\\x.jpg", "_unassigned/de-wilg%5C..%5Chet-anker%5Cx.jpg")]
    [InlineData("de-wilg/x\n.jpg", "_unassigned/de-wilg/x%0A.jpg")]
    [InlineData("de-wilg/x\u0085.jpg", "_unassigned/de-wilg/x%C2%85.jpg")]
    [InlineData("foto.jpg", "_unassigned/foto.jpg")]
    [InlineData("/de-wilg/x.jpg", "_unassigned//de-wilg/x.jpg")]
    public void A_name_with_dot_segments_backslashes_control_characters_or_no_school_is_an_invalid_path(string name, string kept)
    {
        var path = MediaPath.Parse(name);

        Assert.Equal(ReasonCode.InvalidPath, path.Problem);
        Assert.Equal(MediaPath.Unassigned, path.School);
        Assert.Equal(kept, path.FullPath);
        Assert.DoesNotContain(name, path.Why!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u212Aalisto/x.jpg", "_unassigned/%E2%84%AAalisto/x.jpg")] // Kelvin sign: ToLowerInvariant would make it "kalisto"
    [InlineData("DE-W\u0130LG/x.jpg", "_unassigned/DE-W%C4%B0LG/x.jpg")] // dotted capital I
    [InlineData("de-wil\u0433/x.jpg", "_unassigned/de-wil%D0%B3/x.jpg")] // Cyrillic ge
    [InlineData("Groep 8/x.jpg", "_unassigned/Groep 8/x.jpg")]
    [InlineData("_unassigned/x.jpg", "_unassigned/_unassigned/x.jpg")]
    [InlineData("100%/x.jpg", "_unassigned/100%25/x.jpg")]
    public void A_first_segment_that_is_no_school_code_is_an_unknown_school_and_never_folded_onto_one(string name, string kept)
    {
        var path = MediaPath.Parse(name);

        Assert.Equal(ReasonCode.UnknownSchool, path.Problem);
        Assert.Equal(kept, path.FullPath);
    }

    [Fact]
    public void Distinct_names_keep_distinct_safe_names()
    {
        string[] names = ["a/../x.jpg", "a/%2E%2E/x.jpg", "a/%252E/x.jpg", "a\\x.jpg", "a%5Cx.jpg", "x.jpg", "%78.jpg"];

        var kept = names.Select(n => MediaPath.Parse(n).FullPath).ToList();

        Assert.Equal(names.Length, kept.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(" De-Wilg ", "de-wilg", true)]
    [InlineData("\u212AALISTO", "\u212Aalisto", false)] // ToLowerInvariant would give "kalisto"
    [InlineData("DE-W\u0130LG", "de-w\u0130lg", false)]
    public void A_school_code_is_compared_after_ascii_lower_casing_only(string typed, string normalised, bool isCode)
    {
        Assert.Equal(normalised, ConsentFields.NormaliseSchool(typed));
        Assert.Equal(isCode, ConsentFields.IsSchoolCode(ConsentFields.NormaliseSchool(typed)));
    }

    [Theory]
    [InlineData("de-wilg/../het-anker/x.jpg", true)]
    [InlineData("de-wilg/./x.jpg", true)]
    [InlineData("de-wilg\\x.jpg", true)]
    [InlineData("de-wilg/a..b/x.jpg", false)]
    [InlineData("de-wilg/x.jpg", false)]
    public void Names_that_a_uri_would_rewrite_need_a_literal_address(string name, bool literal) =>
        Assert.Equal(literal, MediaPath.NeedsLiteralAddress(name));
}
