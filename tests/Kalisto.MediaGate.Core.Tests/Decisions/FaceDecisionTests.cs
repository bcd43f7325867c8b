using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Tags;
using Kalisto.MediaGate.Tests.Support;

namespace Kalisto.MediaGate.Tests.Decisions;

/// <summary>SPEC §11: the faces detected in a picture, held against its tags.</summary>
public sealed class FaceDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.FromHours(1));
    private static readonly FaceRegion EmmaFace = new(0.10, 0.10, 0.20, 0.20);
    private static readonly FaceRegion LotteFace = new(0.60, 0.10, 0.20, 0.20);
    private static readonly FaceRegion Stranger = new(0.40, 0.60, 0.15, 0.15);

    private static readonly ConsentRecord[] Register =
    [
        Records.Valid("de-wilg", "LL-1001", "Emma de Vries"),
        Records.Valid("de-wilg", "LL-1002", "Noah Bakker", "website", "newsletter"),
        Records.Valid("de-wilg", "LL-1003", "Lotte Visser") with { WithdrawnOn = new DateOnly(2026, 10, 15) },
    ];

    private readonly DecisionRules _rules = new(new ConsentOptions());

    private static TagReadResult Image(params PersonTag[] persons) => new()
    {
        Kind = MediaKind.Image,
        Format = MediaFormat.Jpeg,
        Persons = persons,
    };

    private static PersonTag Face(string name, FaceRegion region) => new(name, "mwg", region);

    private static FaceScan Found(params FaceRegion[] faces) => FaceScan.Found(faces);

    private ScreeningDecision Decide(TagReadResult tags, FaceScan? faces, bool detectable = true, DecisionRules? rules = null) =>
        (rules ?? _rules).Decide(tags, Register, Now, redactable: true, faces, detectable);

    [Fact]
    public void An_image_the_tags_would_approve_waits_for_its_faces_and_publishes_nothing_meanwhile()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), faces: null);

        Assert.True(decision.AwaitsFaces);
        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Empty(decision.Channels);
        Assert.Empty(decision.Reasons);
        Assert.Equal(["LL-1001"], decision.Subjects);
    }

    [Fact]
    public void An_image_the_tags_would_redact_waits_for_its_faces_too()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace), Face("Lotte Visser", LotteFace)), faces: null);

        Assert.True(decision.AwaitsFaces);
        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Empty(decision.Redactions);
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1003")], decision.Reasons);
    }

    [Fact]
    public void An_image_the_tags_quarantine_does_not_wait()
    {
        var decision = Decide(Image(new PersonTag("Lotte Visser", "test")), faces: null);

        Assert.False(decision.AwaitsFaces);
        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1003")], decision.Reasons);
    }

    [Fact]
    public void A_format_the_detector_does_not_decode_is_decided_by_its_tags_alone()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), faces: null, detectable: false);

        Assert.False(decision.AwaitsFaces);
        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Null(decision.Faces);
    }

    [Fact]
    public void Videos_are_decided_by_their_tags_alone()
    {
        var video = Image(new PersonTag("Emma de Vries", "test")) with { Kind = MediaKind.Video, Format = MediaFormat.IsoMedia };

        var decision = Decide(video, faces: null);

        Assert.False(decision.AwaitsFaces);
        Assert.Equal(Outcome.Approved, decision.Outcome);
    }

    [Fact]
    public void Every_face_covered_by_a_consenting_subjects_region_is_approved()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), Found(EmmaFace with { Left = 0.12 }));

        Assert.Equal(Outcome.Approved, decision.Outcome);
        Assert.Empty(decision.Reasons);
        Assert.Equal(new FaceCheck(1, 0, []), decision.Faces);
    }

    [Fact]
    public void A_second_untagged_face_is_pixelated_and_the_tagged_one_stays()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), Found(EmmaFace, Stranger));

        Assert.Equal(Outcome.Redacted, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], decision.Reasons);
        Assert.Equal([Stranger], decision.Redactions);
        Assert.Empty(decision.RedactedSubjects);
        Assert.Equal(new ConsentOptions().ChannelSet().Order(StringComparer.Ordinal), decision.Channels);
        Assert.Equal(1, decision.Faces!.Unidentified);
        Assert.Equal([Stranger], decision.Faces.Unaccounted);
    }

    [Fact]
    public void With_the_option_off_an_unidentified_face_quarantines()
    {
        var rules = new DecisionRules(new ConsentOptions(), new FaceOptions { RedactUnidentified = false });

        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), Found(EmmaFace, Stranger), rules: rules);

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Empty(decision.Channels);
        Assert.Empty(decision.Redactions);
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], decision.Reasons);
        Assert.Equal(2, decision.Faces!.Detected);
    }

    [Fact]
    public void An_image_that_cannot_be_redacted_is_quarantined_for_an_unidentified_face()
    {
        var decision = _rules.Decide(Image(Face("Emma de Vries", EmmaFace)), Register, Now, redactable: false, Found(EmmaFace, Stranger), detectable: true);

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Contains(new Reason(ReasonCode.UnidentifiedFace), decision.Reasons);
    }

    [Fact]
    public void A_subject_tagged_without_a_region_accounts_for_one_face_but_not_two()
    {
        var tags = Image(new PersonTag("Noah Bakker", "test"));

        var one = Decide(tags, Found(Stranger));
        var two = Decide(tags, Found(Stranger, EmmaFace));

        Assert.Equal(Outcome.Approved, one.Outcome);
        Assert.Equal(new FaceCheck(1, 0, []), one.Faces);
        Assert.Equal(Outcome.Redacted, two.Outcome);
        Assert.Equal(1, two.Faces!.Unidentified);
        Assert.Equal([Stranger, EmmaFace], two.Redactions); // which of the two is Noah cannot be told: neither is shown
        Assert.Equal(["newsletter", "website"], two.Channels); // still only what Noah allows
    }

    [Fact]
    public void A_redaction_for_withdrawn_consent_also_pixelates_the_unidentified_face()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace), Face("Lotte Visser", LotteFace)), Found(EmmaFace, LotteFace, Stranger));

        Assert.Equal(Outcome.Redacted, decision.Outcome);
        Assert.Equal(["LL-1003"], decision.RedactedSubjects);
        Assert.Equal([LotteFace, Stranger], decision.Redactions);
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1003"), new Reason(ReasonCode.UnidentifiedFace)], decision.Reasons.Order());
    }

    [Fact]
    public void Detection_never_removes_a_reason_of_the_tags()
    {
        var decision = Decide(Image(new PersonTag("Lotte Visser", "test")), Found());

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.ConsentWithdrawn, "LL-1003")], decision.Reasons);
    }

    [Fact]
    public void A_quarantined_image_with_known_faces_also_names_the_unidentified_one()
    {
        var decision = Decide(Image(new PersonTag("Lotte Visser", "test")), Found(Stranger, EmmaFace));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Contains(new Reason(ReasonCode.UnidentifiedFace), decision.Reasons);
        Assert.Contains(new Reason(ReasonCode.ConsentWithdrawn, "LL-1003"), decision.Reasons);
    }

    [Fact]
    public void A_picture_marked_as_showing_nobody_has_its_detected_faces_pixelated()
    {
        var decision = Decide(Image() with { HasNoPeopleMarker = true }, Found(Stranger));

        Assert.Equal(Outcome.Redacted, decision.Outcome);
        Assert.Equal([Stranger], decision.Redactions);
        Assert.Equal([new Reason(ReasonCode.UnidentifiedFace)], decision.Reasons);
    }

    [Fact]
    public void A_picture_that_could_not_be_looked_at_is_quarantined_with_that_reason()
    {
        var decision = Decide(Image(Face("Emma de Vries", EmmaFace)), FaceScan.Failed(ReasonCode.TooLarge));

        Assert.Equal(Outcome.Quarantined, decision.Outcome);
        Assert.Equal([new Reason(ReasonCode.TooLarge)], decision.Reasons);
    }

    [Fact]
    public void More_faces_than_can_be_accounted_for_fail_the_scan()
    {
        var many = Enumerable.Range(0, FaceScan.MaxFaces + 1).Select(i => new FaceRegion(i / 1000.0, 0, 0.001, 0.001));

        Assert.Equal(ReasonCode.TooLarge, FaceScan.Found(many).Failure);
        Assert.True(FaceScan.Found(many.Take(FaceScan.MaxFaces)).Succeeded);
    }

    [Fact]
    public void The_same_input_gives_the_same_decision()
    {
        var tags = Image(Face("Emma de Vries", EmmaFace));
        var faces = Found(Stranger, EmmaFace);

        Assert.Equal(Decide(tags, faces).Redactions, Decide(tags, faces).Redactions);
        Assert.Equal(Decide(tags, faces).Reasons, Decide(tags, faces).Reasons);
    }
}
