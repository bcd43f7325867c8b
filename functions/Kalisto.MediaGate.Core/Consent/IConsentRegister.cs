namespace Kalisto.MediaGate.Consent;

/// <summary>
/// The consent register (SPEC §4). Implementations: <see cref="InMemoryConsentRegister"/> for the
/// command line, and the Table Storage adapter. A read that fails throws: it never returns "nothing".
/// </summary>
public interface IConsentRegister
{
    /// <summary>Every record of one school.</summary>
    Task<IReadOnlyList<ConsentRecord>> GetSchoolAsync(string school, CancellationToken cancellationToken);

    /// <summary>Every record of every school, ordered by school and subject.</summary>
    Task<IReadOnlyList<ConsentRecord>> ExportAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces records (all or nothing), keeping history of every change.</summary>
    Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken);
}

/// <summary>What an import changed.</summary>
public sealed record ImportSummary(int Added, int Changed, int Unchanged)
{
    /// <summary>The subjects whose record was added or changed: their items are screened again (SPEC §7).</summary>
    public IReadOnlyList<SubjectRef> ChangedSubjects { get; init; } = [];

    /// <summary>Rows that were applied only in part, with their lines: a withdrawal that stands (SPEC §4).</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = [];
}

/// <summary>A subject of one school.</summary>
public sealed record SubjectRef(string School, string SubjectId);

/// <summary>One change of a record: who, when, the old and the new value.</summary>
public sealed record ConsentChange(string School, string SubjectId, string ChangedBy, DateTimeOffset ChangedAt, ConsentRecord? Old, ConsentRecord New);
