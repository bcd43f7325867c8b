using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Subjects;

/// <summary>The subjects an item's tags resolve to within its school, and the tags that did not resolve.</summary>
public sealed record SubjectResolution
{
    /// <summary>Subject IDs found in the register of the item's school, sorted.</summary>
    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary><c>unknown-subject</c>, <c>unresolved-person</c>, <c>ambiguous-person</c>, <c>conflicting-tags</c>, <c>untagged</c>.</summary>
    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>The item carries only the no-people marker.</summary>
    public required bool ShowsNobody { get; init; }

    /// <summary>For each resolved subject, whether every one of its tags is a face region (for redaction).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Tags.FaceRegion>> FaceRegions { get; init; } =
        new Dictionary<string, IReadOnlyList<Tags.FaceRegion>>();

    /// <summary>For each resolved subject, the tags that named it (for the reasons about that subject).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ReasonTag>> SubjectTags { get; init; } =
        new Dictionary<string, IReadOnlyList<ReasonTag>>();

    /// <summary>Keywords that look like a person's name: ignored by the decision (SPEC §3.2), but likely a mistake.</summary>
    public IReadOnlyList<Hint> Hints { get; init; } = [];
}
