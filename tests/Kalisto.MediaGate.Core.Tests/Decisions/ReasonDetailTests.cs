using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Decisions;

/// <summary>Each reason says which tag gave it; hints for names typed as keywords; neither changes the outcome.</summary>
public sealed class ReasonDetailTests
{
    private const string PersonInImage = "XMP Iptc4xmpExt:PersonInImage (APP1)";
    private const string XpKeywords = "EXIF XPKeywords (IFD0)";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.FromHours(1));
    private readonly DecisionRules _rules = new(new ConsentOptions());

    private static readonly ConsentRecord[] Register =
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Noah Bakker"),
        Records.Valid("de-wilg", "LL-1003", "Lotte Visser") with { WithdrawnOn = new DateOnly(2026, 10, 15) },
        Records.Valid("de-wilg", "LL-1007", "Kim Bos"),
        Records.Valid("de-wilg", "LL-1008", "Kim Bos"),
        Records.Valid("de-wilg", "LL-1009", "Daan"),
    ];

    private static TagReadResult Tags(IEnumerable<PersonTag>? persons = null, IEnumerable<KeywordTag>? keywords = null, bool noPeople = false, params TagProblem[] problems) => new()
    {
        Kind = MediaKind.Image,
        Format = MediaFormat.Jpeg,
        Persons = [.. persons ?? []],
        Keywords = [.. keywords ?? []],
        HasNoPeopleMarker = noPeople,
        Problems = problems,
    };

    private ScreeningDecision Decide(TagReadResult tags) => _rules.Decide(tags, Register, Now);

    [Fact]
    public void A_misspelt_name_says_which_tag_and_what_was_typed()
    {
        var decision = Decide(Tags([new PersonTag("Emma de Vries", PersonInImage), new PersonTag("Noah Baker", PersonInImage)]));

        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(ReasonCode.UnresolvedPerson, reason.Code);
        Assert.Equal([new ReasonTag(PersonInImage, "Noah Baker")], reason.Tags);
    }

    [Fact]
    public void Every_tag_behind_one_reason_is_listed_in_the_order_read_and_the_reason_is_given_once()
    {
        var region = new FaceRegion(0.1, 0.1, 0.2, 0.2);
        var decision = Decide(Tags([new PersonTag("Noah Baker", PersonInImage), new PersonTag(null, "XMP mwg-rs:Regions (APP1)", region), new PersonTag("Bill Murray", PersonInImage)]));

        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(
            [new ReasonTag(PersonInImage, "Noah Baker"), new ReasonTag("XMP mwg-rs:Regions (APP1)", null), new ReasonTag(PersonInImage, "Bill Murray")],
            reason.Tags);
    }

    [Fact]
    public void A_reason_about_a_subject_names_the_tags_that_named_it()
    {
        var decision = Decide(Tags([new PersonTag("Lotte Visser", PersonInImage)], [new KeywordTag("ll-1003", XpKeywords), new KeywordTag("ll-9999", XpKeywords)]));

        Assert.Equal(
            [new Reason(ReasonCode.ConsentWithdrawn, "LL-1003"), new Reason(ReasonCode.UnknownSubject, "LL-9999")],
            decision.Reasons);
        Assert.Equal([new ReasonTag(PersonInImage, "Lotte Visser"), new ReasonTag(XpKeywords, "ll-1003")], decision.Reasons[0].Tags);
        Assert.Equal([new ReasonTag(XpKeywords, "ll-9999")], decision.Reasons[1].Tags);
    }

    [Fact]
    public void Ambiguous_and_conflicting_person_values_name_their_values()
    {
        var decision = Decide(Tags([new PersonTag("kim bos", PersonInImage), new PersonTag("LL-1001", "XMP Iptc4xmpExt:PersonInImageWDetails (APP1)", null, ["Noah Bakker"])]));

        var ambiguous = Assert.Single(decision.Reasons, r => r.Code == ReasonCode.AmbiguousPerson);
        Assert.Equal([new ReasonTag(PersonInImage, "kim bos")], ambiguous.Tags);
        var conflicting = Assert.Single(decision.Reasons, r => r.Code == ReasonCode.ConflictingTags);
        Assert.Equal(["LL-1001", "Noah Bakker"], conflicting.Tags.Select(t => t.Value));
    }

    [Fact]
    public void Tags_do_not_change_a_reasons_identity()
    {
        var plain = new Reason(ReasonCode.UnresolvedPerson);
        var detailed = plain with { Tags = [new ReasonTag(PersonInImage, "Noah Baker")] };

        Assert.Equal(plain, detailed);
        Assert.Equal(plain.GetHashCode(), detailed.GetHashCode());
        Assert.Equal(0, plain.CompareTo(detailed));
        Assert.NotEqual(plain, new Reason(ReasonCode.UnresolvedPerson, "LL-1001"));
        Assert.True(new[] { detailed }.SequenceEqual([plain])); // a stored row without tags compares the same
    }

    [Fact]
    public void An_item_whose_tags_could_not_be_read_is_not_also_untagged()
    {
        foreach (var code in new[] { ReasonCode.Unreadable, ReasonCode.TooLarge, ReasonCode.UnsupportedType })
        {
            var tags = Tags(problems: new TagProblem(code, "test"));
            var resolution = new Subjects.SubjectResolution { Subjects = [], Reasons = [new Reason(ReasonCode.Untagged)], ShowsNobody = false };

            Assert.Equal([new Reason(code)], _rules.Decide(tags, Register, Now).Reasons);
            Assert.Equal([new Reason(code)], _rules.Decide(tags, resolution, Register, Now).Reasons);
        }
    }

    [Fact]
    public void Untagged_is_given_when_the_tags_were_read_and_name_nobody()
    {
        Assert.Equal([new Reason(ReasonCode.Untagged)], Decide(Tags(keywords: [new KeywordTag("sportdag", XpKeywords)])).Reasons);
    }

    [Theory]
    [InlineData("Noah Bakker", "LL-1002")] // a registered name
    [InlineData("  noah   BAKKER ", "LL-1002")] // as names are matched
    [InlineData("Daan", "LL-1009")] // a one-word registered name
    [InlineData("Kim Bos", null)] // two subjects have this name: no subject named
    [InlineData("Jan-Willem van 't Hof", null)] // looks like a name
    [InlineData("Sanne Jansen", null)]
    public void A_keyword_that_is_or_looks_like_a_name_gets_a_hint(string keyword, string? subject)
    {
        var decision = Decide(Tags(keywords: [new KeywordTag("LL-1001", XpKeywords), new KeywordTag(keyword, XpKeywords)]));

        Assert.Equal([new Hint(HintCode.NameInKeyword, XpKeywords, keyword, subject)], decision.Hints);
    }

    [Fact]
    public void A_hint_does_not_change_the_decision()
    {
        // SPEC §3.2: keywords count only as subject IDs; the name is ignored, the hint says so.
        var withName = Decide(Tags(keywords: [new KeywordTag("LL-1001", XpKeywords), new KeywordTag("Lotte Visser", XpKeywords)]));
        var without = Decide(Tags(keywords: [new KeywordTag("LL-1001", XpKeywords)]));

        Assert.Equal(Outcome.Approved, withName.Outcome);
        Assert.Equal(without.Channels, withName.Channels);
        Assert.Equal(without.Subjects, withName.Subjects);
        Assert.Single(withName.Hints);
        Assert.Empty(without.Hints);

        var onlyName = Decide(Tags(keywords: [new KeywordTag("Noah Bakker", XpKeywords)]));
        Assert.Equal([new Reason(ReasonCode.Untagged)], onlyName.Reasons);
        Assert.Single(onlyName.Hints);
    }

    [Theory]
    [InlineData("sportdag")]
    [InlineData("Sportdag 2026")]
    [InlineData("Groep 8")]
    [InlineData("BBQ Avond")]
    [InlineData("geen-personen")]
    [InlineData("Sportdag")]
    public void Ordinary_keywords_get_no_hint(string keyword)
    {
        Assert.Empty(Decide(Tags(keywords: [new KeywordTag(keyword, XpKeywords)])).Hints);
    }
}
