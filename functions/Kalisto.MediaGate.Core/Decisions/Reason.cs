namespace Kalisto.MediaGate.Decisions;

/// <summary>Why an item is not approved: a reason code and, for a reason about one subject, its ID (never a name).</summary>
public sealed record Reason(string Code, string? Subject = null) : IComparable<Reason>
{
    public int CompareTo(Reason? other) =>
        other is null ? 1
        : string.CompareOrdinal(Code, other.Code) is var byCode and not 0 ? byCode
        : string.CompareOrdinal(Subject, other.Subject);
}
