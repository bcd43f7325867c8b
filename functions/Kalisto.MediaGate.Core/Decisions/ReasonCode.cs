namespace Kalisto.MediaGate.Decisions;

/// <summary>The exact reason codes of SPEC §5. They are part of the product's contract: never rename.</summary>
public static class ReasonCode
{
    public const string Untagged = "untagged";
    public const string UnknownSubject = "unknown-subject";
    public const string UnresolvedPerson = "unresolved-person";
    public const string AmbiguousPerson = "ambiguous-person";
    public const string NoConsent = "no-consent";
    public const string ConsentExpired = "consent-expired";
    public const string ConsentWithdrawn = "consent-withdrawn";
    public const string ConflictingTags = "conflicting-tags";
    public const string Unreadable = "unreadable";
    public const string UnsupportedType = "unsupported-type";
    public const string TooLarge = "too-large";

    /// <summary>The first path segment is no school of the register.</summary>
    public const string UnknownSchool = "unknown-school";

    /// <summary>A name with <c>.</c> or <c>..</c> segments, backslashes or control characters, or no school segment.</summary>
    public const string InvalidPath = "invalid-path";

    /// <summary>The picture shows more faces than the tags account for (SPEC §11); their boxes are kept in the decision.</summary>
    public const string UnidentifiedFace = "unidentified-face";
}
