namespace Kalisto.MediaGate.Consent;

/// <summary>
/// A withdrawal stands until a new consent is given (SPEC §4). A school's administration exports its
/// register once a year and imports it again and again; a row that still carries the signed form of a
/// consent that was withdrawn since, and no withdrawal date, is that old export, not a new consent.
/// </summary>
public static class StandingWithdrawal
{
    /// <summary>
    /// What <paramref name="next"/> becomes when it replaces <paramref name="current"/>: the same record,
    /// or, when it would lift a withdrawal with the withdrawn form's evidence, the record with the
    /// withdrawal kept and a warning that says how to lift it. The other fields of the row still apply.
    /// </summary>
    public static (ConsentRecord Record, ImportWarning? Warning) Apply(ConsentRecord? current, ConsentRecord next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (current?.WithdrawnOn is not { } withdrawn || next.WithdrawnOn is not null || !string.Equals(current.Evidence, next.Evidence, StringComparison.Ordinal))
        {
            return (next, null);
        }

        return (next with { WithdrawnOn = withdrawn }, new ImportWarning(next.Line, next.School, next.SubjectId, withdrawn, current.Evidence));
    }
}

/// <summary>
/// A row of an import (or an API write) that was applied without lifting a withdrawal: the subject stays
/// withdrawn since <see cref="WithdrawnOn"/>. Subject ID and form reference only, never a name.
/// </summary>
/// <param name="Line">The CSV line, or 0 when the record did not come from a CSV.</param>
/// <param name="School">The school of the record.</param>
/// <param name="SubjectId">The subject that stays withdrawn.</param>
/// <param name="WithdrawnOn">The withdrawal date that was kept.</param>
/// <param name="Evidence">The reference of the withdrawn form, which the row carried too.</param>
public sealed record ImportWarning(int Line, string School, string SubjectId, DateOnly WithdrawnOn, string? Evidence)
{
    /// <summary>What the person who imported needs to read: what happened, and how to lift the withdrawal.</summary>
    public string Message
    {
        get
        {
            var form = Evidence is null ? "no new evidence" : $"the evidence of the withdrawn form ({Evidence})";
            var text = $"{SubjectId} stays withdrawn since {ConsentFields.Format(WithdrawnOn)}: this row has {form}; a new consent needs the reference of a new signed form";
            return Line > 0 ? $"line {Line}: {text}" : text;
        }
    }

    public override string ToString() => Message;
}
