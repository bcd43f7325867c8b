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

    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>The version of each consent record the decision used, by subject ID (for the audit trail).</summary>
    public IReadOnlyDictionary<string, long> ConsentVersions { get; init; } = new Dictionary<string, long>();
}
