using System.Text.Json.Serialization;

namespace Kalisto.MediaGate.Consent;

/// <summary>Whether a subject is a pupil or a member of staff (both need consent, protocol rule A.5).</summary>
public enum SubjectKind
{
    Pupil,
    Staff,
}

/// <summary>One record of the consent register (SPEC §4): one per school and subject.</summary>
public sealed record ConsentRecord
{
    public required string School { get; init; }

    public required string SubjectId { get; init; }

    public required SubjectKind Kind { get; init; }

    /// <summary>For name resolution and for people reading the register; never logged.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Granted channels, sorted, from the configured set.</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    public required DateOnly ValidFrom { get; init; }

    public required DateOnly ValidUntil { get; init; }

    public DateOnly? WithdrawnOn { get; init; }

    /// <summary>Reference to the signed form; required when anything is granted.</summary>
    public string? Evidence { get; init; }

    /// <summary>Increases on every change of the record; decisions record the versions they used.</summary>
    public long Version { get; init; } = 1;

    /// <summary>
    /// The CSV line the record was read from (0 when it came from elsewhere), so what an import reports
    /// about it can name the line; not part of its content and never stored.
    /// </summary>
    [JsonIgnore]
    public int Line { get; init; }

    /// <summary>The channels this record allows on <paramref name="today"/>, or why it allows none.</summary>
    public ConsentState StateOn(DateOnly today)
    {
        if (WithdrawnOn is { } withdrawn && today >= withdrawn)
        {
            return ConsentState.Withdrawn;
        }

        if (today < ValidFrom)
        {
            return ConsentState.NotYetValid;
        }

        if (today > ValidUntil)
        {
            return ConsentState.Expired;
        }

        return Channels.Count == 0 ? ConsentState.NothingGranted : ConsentState.Valid;
    }

    public bool SameContentAs(ConsentRecord other) =>
        School == other.School && SubjectId == other.SubjectId && Kind == other.Kind && DisplayName == other.DisplayName
        && Channels.SequenceEqual(other.Channels) && ValidFrom == other.ValidFrom && ValidUntil == other.ValidUntil
        && WithdrawnOn == other.WithdrawnOn && Evidence == other.Evidence;
}

public enum ConsentState
{
    Valid,
    NothingGranted,
    NotYetValid,
    Expired,
    Withdrawn,
}
