namespace Kalisto.MediaGate.Decisions;

/// <summary>Why an item is not approved: a reason code and, for a reason about one subject, its ID (never a name).</summary>
/// <remarks>
/// A reason's identity is its <see cref="Code"/> and <see cref="Subject"/>: equality, hashing and ordering use
/// nothing else. <see cref="Tags"/> only explains it to the person screening, so whether a decision changed
/// (a re-screen, the state of an item) never depends on it, and rows stored without it compare the same.
/// </remarks>
public sealed record Reason(string Code, string? Subject = null) : IComparable<Reason>
{
    /// <summary>
    /// The tags that gave this reason, in the order they were read: where each was found and the value as tagged.
    /// Empty for a reason that no single tag gave (<c>untagged</c>, a problem of the file, a path). The values are
    /// personal data (a name as a teacher typed it): shown to the person screening, never logged or exported.
    /// </summary>
    public IReadOnlyList<ReasonTag> Tags { get; init; } = [];

    public bool Equals(Reason? other) =>
        other is not null && string.Equals(Code, other.Code, StringComparison.Ordinal) && string.Equals(Subject, other.Subject, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Code, Subject);

    public int CompareTo(Reason? other) =>
        other is null ? 1
        : string.CompareOrdinal(Code, other.Code) is var byCode and not 0 ? byCode
        : string.CompareOrdinal(Subject, other.Subject);
}

/// <summary>One tag behind a reason or a hint.</summary>
/// <param name="Tag">Where it was found, as <c>inspect</c> shows it, e.g. <c>XMP Iptc4xmpExt:PersonInImage (APP1)</c>.</param>
/// <param name="Value">The value as tagged; null for a face region without a name.</param>
public sealed record ReasonTag(string Tag, string? Value);
