using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>What a conditional write of one consent record did.</summary>
public enum ConsentWriteOutcome
{
    Added,
    Changed,

    /// <summary>The record already had this content (or a repeated withdrawal): nothing was written.</summary>
    Unchanged,

    /// <summary>The school has no record for the subject (a withdrawal needs one).</summary>
    Missing,

    /// <summary>The record is not at the version the caller read: nothing was written.</summary>
    StaleVersion,

    /// <summary>The withdrawal date asked for is before the record's <c>valid_from</c>: nothing was written.</summary>
    BeforeValidFrom,
}

/// <summary>The outcome of a write of one record.</summary>
/// <param name="Outcome">What was written, or why nothing was.</param>
/// <param name="Record">
/// The record as stored after the write; for <see cref="ConsentWriteOutcome.StaleVersion"/> and
/// <see cref="ConsentWriteOutcome.BeforeValidFrom"/> the current record (null when there is none); null for
/// <see cref="ConsentWriteOutcome.Missing"/>.
/// </param>
/// <param name="Warning">Set when the write kept a withdrawal that the record would have lifted.</param>
public sealed record ConsentWrite(ConsentWriteOutcome Outcome, ConsentRecord? Record, ImportWarning? Warning = null)
{
    /// <summary>Whether the record was written (and a re-screen of its subject is owed).</summary>
    public bool Written => Outcome is ConsentWriteOutcome.Added or ConsentWriteOutcome.Changed;
}
