namespace Kalisto.MediaGate.Decisions;

/// <summary>Where an item goes.</summary>
public enum Outcome
{
    Approved,
    Quarantined,
    Redacted,
}

/// <summary>The decision for one item (SPEC §5).</summary>
public sealed record ScreeningDecision
{
    public required Outcome Outcome { get; init; }

    /// <summary>Subject IDs the item's tags resolved to, sorted.</summary>
    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary>Channels the item may be published on, sorted; empty unless approved.</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Every reason found, sorted; empty when approved.</summary>
    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>
    /// Tags that do not change the decision but are likely mistakes (a name typed as a keyword), for the person
    /// screening. Not part of the outcome: whether a decision changed never depends on them.
    /// </summary>
    public IReadOnlyList<Hint> Hints { get; init; } = [];

    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>
    /// For <see cref="Outcome.Redacted"/>: the subjects whose faces are made unrecognisable in the published
    /// derivative, sorted. <see cref="Channels"/> are then those the remaining subjects allow.
    /// </summary>
    public IReadOnlyList<string> RedactedSubjects { get; init; } = [];

    /// <summary>For <see cref="Outcome.Redacted"/>: the face regions to redact, on the displayed image.</summary>
    public IReadOnlyList<Tags.FaceRegion> Redactions { get; init; } = [];

    /// <summary>
    /// The faces detected in the picture held against its tags (SPEC §11); null when they were not looked at (not an
    /// image the detector decodes, or not yet).
    /// </summary>
    public Faces.FaceCheck? Faces { get; init; }

    /// <summary>
    /// The tags alone would publish this image, and its faces have not been looked at yet: it is quarantined (nothing is
    /// published) until the face detection on the imaging worker has run and it is decided again with the faces.
    /// </summary>
    public bool AwaitsFaces { get; init; }

    /// <summary>The version of each consent record the decision used, by subject ID (for the audit trail).</summary>
    public IReadOnlyDictionary<string, long> ConsentVersions { get; init; } = new Dictionary<string, long>();
}

/// <summary>Changes to a decision after it was made.</summary>
public static class ScreeningDecisionExtensions
{
    /// <summary>
    /// The decision when its publishable copy could not be made (for example a format that cannot be
    /// stripped safely, or an image too large to redact): quarantined, with that reason added.
    /// </summary>
    public static ScreeningDecision Refused(this ScreeningDecision decision, string reasonCode)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision with
        {
            Outcome = Outcome.Quarantined,
            Channels = [],
            Reasons = [.. decision.Reasons.Append(new Reason(reasonCode)).Distinct().Order()],
            RedactedSubjects = [],
            Redactions = [],
            AwaitsFaces = false,
        };
    }
}
