using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Decisions;

public sealed class DecisionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.FromHours(1));
    private readonly DecisionRules _rules = new(new ConsentOptions());

    private static readonly ConsentRecord[] Register =
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Noah Bakker", "website", "newsletter"),
        Records.Valid("de-wilg", "MW-2001", "Sanne Jansen", "website", "parentportal"),
        Records.Valid("de-wilg", "LL-1003", "Lotte Visser") with { WithdrawnOn = new DateOnly(2026, 10, 15) },
        Records.Valid("de-wilg", "LL-1004", "Sem de Jong") with { ValidFrom = new DateOnly(2025, 8, 1), ValidUntil = new DateOnly(2026, 7, 31) },
        Records.Valid("de-wilg", "LL-1005", "Ada Smit") with { ValidFrom = new DateOnly(2027, 1, 1) },
        Records.Valid("de-wilg", "LL-1006", "Tim de Wit") with { Channels = [], Evidence = null },
        Records.Valid("de-wilg", "LL-1007", "Kim Bos"),
        Records.Valid("de-wilg", "LL-1008", "Kim Bos"),
        Records.Valid("de-wilg", "LL-1009", "Zoë Maas"),
    ];

    private static TagReadResult Tags(IEnumerable<PersonTag>? persons = null, IEnumerable<string>? keywords = null, bool noPeople = false, params TagProblem[] problems) => new()
    {
        Kind = MediaKind.Image,
        Format = MediaFormat.Jpeg,
        Persons = [.. persons ?? []],
        Keywords = [.. (keywords ?? []).Select(k => new KeywordTag(k, "test"))],
        HasNoPeopleMarker = noPeople,
        Problems = problems,
    };

    private static PersonTag Person(string? value) => new(value, "test");

    private ScreeningDecision Decide(TagReadResult tags, DateTimeOffset? now = null) => _rules.Decide(tags, Register, now ?? Now);

    [Fact]
    public void Subjects_with_valid_consent_give_approval_on_the_intersection_of_channels()
    {
        var decision = Decide(Tags([Person("Emma de Vries")], ["LL-1002", "MW-2001", "sportdag"]));

        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Equal(["LL-1001", "LL-1002", "MW-2001"], decision.Subjects);
        Assert.Equal(["website"], decision.Channels);
        Assert.Empty(decision.Reasons);
        Assert.Equal(1, decision.ConsentVersions["LL-1001"]);
    }

    [Fact]
    public void No_channel_in_common_is_no_consent()
    {
        var decision = _rules.Decide(Tags(keywords: ["LL-1001", "LL-1002"]),
            [Records.Valid("de-wilg", "LL-1001", "A", "schoolguide"), Records.Valid("de-wilg", "LL-1002", "B", "website")], Now);

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.NoConsent)], decision.Reasons);
    }

    [Fact]
    public void No_people_marker_alone_is_approved_for_every_channel()
    {
        var decision = Decide(Tags(keywords: ["geen-personen"], noPeople: true));

        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Equal(["newsletter", "parentportal", "schoolguide", "socialmedia", "website"], decision.Channels);
    }

    [Theory]
    [InlineData(ReasonCode.Untagged, null, new string[0], new string[0], false)]
    [InlineData(ReasonCode.ConflictingTags, null, new string[0], new[] { "no-people", "LL-1001" }, true)]
    [InlineData(ReasonCode.UnknownSubject, "LL-9999", new string[0], new[] { "ll-9999 " }, false)]
    [InlineData(ReasonCode.UnknownSubject, "LL-9998", new[] { "LL-9998" }, new string[0], false)]
    [InlineData(ReasonCode.UnresolvedPerson, null, new[] { "Bill Murray" }, new string[0], false)]
    [InlineData(ReasonCode.AmbiguousPerson, null, new[] { "kim  BOS" }, new string[0], false)]
    [InlineData(ReasonCode.ConsentWithdrawn, "LL-1003", new[] { "Lotte Visser" }, new string[0], false)]
    [InlineData(ReasonCode.ConsentExpired, "LL-1004", new string[0], new[] { "LL-1004" }, false)]
    [InlineData(ReasonCode.NoConsent, "LL-1005", new string[0], new[] { "LL-1005" }, false)]
    [InlineData(ReasonCode.NoConsent, "LL-1006", new string[0], new[] { "LL-1006" }, false)]
    public void Each_reason_code_quarantines_with_the_subject_it_is_about(string code, string? subject, string[] persons, string[] keywords, bool noPeople)
    {
        var decision = Decide(Tags(persons.Select(Person), keywords, noPeople));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(code, subject)], decision.Reasons);
        Assert.Empty(decision.Channels);
    }

    [Theory]
    [InlineData(new string[0], new[] { "geen-personen" }, true)]
    [InlineData(new[] { "Emma de Vries" }, new[] { "LL-1001" }, false)]
    [InlineData(new string[0], new string[0], false)]
    public void A_school_without_records_is_an_unknown_school_whatever_the_tags_say(string[] persons, string[] keywords, bool noPeople)
    {
        var decision = _rules.Decide(Tags(persons.Select(Person), keywords, noPeople), [], Now, redactable: true);

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.UnknownSchool)], decision.Reasons);
        Assert.Empty(decision.Channels);
        Assert.Empty(decision.Subjects);
    }

    [Fact]
    public void A_name_that_is_no_path_is_an_invalid_path_and_nothing_else()
    {
        var decision = _rules.Decide(Tags(keywords: ["geen-personen"], noPeople: true, problems: new TagProblem(ReasonCode.InvalidPath, "test")), [], Now);

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.InvalidPath)], decision.Reasons);
    }

    [Fact]
    public void An_unreadable_file_is_not_also_called_untagged()
    {
        var decision = Decide(Tags(problems: new TagProblem(ReasonCode.Unreadable, "test")));

        Assert.Equal([new Reason(ReasonCode.Unreadable)], decision.Reasons);
    }

    [Theory]
    [InlineData(ReasonCode.Unreadable)]
    [InlineData(ReasonCode.TooLarge)]
    [InlineData(ReasonCode.UnsupportedType)]
    public void Reading_problems_quarantine_even_with_valid_tags(string code)
    {
        var decision = Decide(Tags(keywords: ["LL-1001"], problems: new TagProblem(code, "test")));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Contains(new Reason(code), decision.Reasons);
    }

    [Fact]
    public void Unnamed_face_is_an_unresolved_person()
    {
        var decision = Decide(Tags([Person("Emma de Vries"), new PersonTag(null, "mwg", new FaceRegion(0.1, 0.1, 0.2, 0.2))]));

        Assert.Equal([new Reason(ReasonCode.UnresolvedPerson)], decision.Reasons);
    }

    [Fact]
    public void Every_reason_is_given_not_only_the_first()
    {
        var decision = Decide(Tags([Person("Lotte Visser"), Person("Onbekend Kind")], ["LL-1004", "LL-9999"]));

        Assert.Equal(
            [
                new Reason(ReasonCode.ConsentExpired, "LL-1004"),
                new Reason(ReasonCode.ConsentWithdrawn, "LL-1003"),
                new Reason(ReasonCode.UnknownSubject, "LL-9999"),
                new Reason(ReasonCode.UnresolvedPerson),
            ],
            decision.Reasons);
    }

    [Fact]
    public void Names_match_after_unicode_normalisation_case_and_whitespace()
    {
        // "Zoë" with a combining diaeresis (NFD) against the register's precomposed form.
        var decision = Decide(Tags([Person("  zoe\u0308\u00A0  MAAS ")]));

        Assert.Equal(["LL-1009"], decision.Subjects);
    }

    [Fact]
    public void Person_details_entry_resolves_through_its_name_when_its_id_is_not_a_subject_id()
    {
        var decision = Decide(Tags([new PersonTag("http://wikidata.org/Q1", "wdetails", null, ["Emma de Vries"])]));

        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Equal(["LL-1001"], decision.Subjects);
    }

    [Fact]
    public void Person_details_entry_whose_id_and_name_are_two_subjects_is_conflicting_and_both_are_checked()
    {
        // PersonId of a consenting pupil, PersonName of a withdrawn one: the first value must not win.
        var decision = Decide(Tags([new PersonTag("LL-1001", "wdetails", null, ["Lotte Visser"])]));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal(["LL-1001", "LL-1003"], decision.Subjects);
        Assert.Contains(new Reason(ReasonCode.ConflictingTags), decision.Reasons);
        Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1003"), decision.Reasons);
    }

    [Fact]
    public void Person_details_entry_whose_id_and_name_are_one_subject_is_that_subject()
    {
        var decision = Decide(Tags([new PersonTag("LL-1001", "wdetails", null, ["emma DE vries"])]));

        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Equal(["LL-1001"], decision.Subjects);
    }

    [Fact]
    public void Person_details_entry_with_an_unknown_id_is_reported_even_when_its_name_resolves()
    {
        var decision = Decide(Tags([new PersonTag("LL-9999", "wdetails", null, ["Emma de Vries"])]));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.UnknownSubject, "LL-9999")], decision.Reasons);
    }

    [Fact]
    public void Resolution_is_scoped_to_the_school_of_the_records_given()
    {
        var decision = _rules.Decide(Tags([Person("Emma de Vries")], ["LL-1001"]), [Records.Valid("het-anker", "LL-2001", "Fleur Mulder")], Now);

        Assert.Equal(
            [new Reason(ReasonCode.UnknownSubject, "LL-1001"), new Reason(ReasonCode.UnresolvedPerson)],
            decision.Reasons);
    }

    [Theory]
    [InlineData("2026-07-31T23:59:00+02:00", ReasonCode.NoConsent)] // the day before valid_from
    [InlineData("2026-08-01T00:00:00+02:00", null)] // from the start of valid_from
    [InlineData("2027-07-31T23:59:59+02:00", null)] // through the end of valid_until
    [InlineData("2027-07-31T22:00:00+00:00", ReasonCode.ConsentExpired)] // 00:00 on 1 August in Amsterdam
    [InlineData("2027-08-01T00:00:00+02:00", ReasonCode.ConsentExpired)]
    public void Consent_is_valid_from_the_start_of_valid_from_through_the_end_of_valid_until(string now, string? reason)
    {
        var decision = _rules.Decide(Tags(keywords: ["LL-1001"]), [Records.Valid("de-wilg", "LL-1001")], DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(reason is null ? [] : [new Reason(reason, "LL-1001")], decision.Reasons);
    }

    [Theory]
    [InlineData("2026-10-14T23:59:59+02:00", null)]
    [InlineData("2026-10-15T00:00:00+02:00", ReasonCode.ConsentWithdrawn)]
    public void Withdrawal_counts_from_the_start_of_withdrawn_on(string now, string? reason)
    {
        var record = Records.Valid("de-wilg", "LL-1001") with { WithdrawnOn = new DateOnly(2026, 10, 15) };

        var decision = _rules.Decide(Tags(keywords: ["LL-1001"]), [record], DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(reason is null ? [] : [new Reason(reason, "LL-1001")], decision.Reasons);
    }

    [Fact]
    public void Same_input_gives_the_same_decision()
    {
        var tags = Tags([Person("Noah Bakker")], ["LL-1001"]);

        var first = Decide(tags);
        var second = Decide(tags);

        Assert.Equal(first.Outcome, second.Outcome);
        Assert.Equal(first.Channels, second.Channels);
        Assert.Equal(first.Reasons, second.Reasons);
        Assert.Equal(Now, first.DecidedAt);
    }
}
