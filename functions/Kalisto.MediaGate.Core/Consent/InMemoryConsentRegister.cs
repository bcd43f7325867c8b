namespace Kalisto.MediaGate.Consent;

/// <summary>The register held in memory: for the offline command line and for tests.</summary>
public sealed class InMemoryConsentRegister(TimeProvider clock) : IConsentRegister
{
    private readonly Dictionary<(string School, string Subject), ConsentRecord> _records = [];
    private readonly List<ConsentChange> _history = [];
    private readonly Lock _gate = new();

    public InMemoryConsentRegister()
        : this(TimeProvider.System)
    {
    }

    public IReadOnlyList<ConsentChange> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    public Task<IReadOnlyList<ConsentRecord>> GetSchoolAsync(string school, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ConsentRecord> records = [.. _records.Values.Where(r => r.School == school).OrderBy(r => r.SubjectId, StringComparer.Ordinal)];
            return Task.FromResult(records);
        }
    }

    public Task<IReadOnlyList<ConsentRecord>> ExportAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ConsentRecord> records = [.. _records.Values.OrderBy(r => r.School, StringComparer.Ordinal).ThenBy(r => r.SubjectId, StringComparer.Ordinal)];
            return Task.FromResult(records);
        }
    }

    public Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            int added = 0, changed = 0, unchanged = 0;
            var changedSubjects = new List<SubjectRef>();
            var warnings = new List<ImportWarning>();
            var now = clock.GetUtcNow();
            foreach (var row in records)
            {
                var key = (row.School, row.SubjectId);
                _records.TryGetValue(key, out var old);
                var (record, warning) = StandingWithdrawal.Apply(old, row);
                if (warning is not null)
                {
                    warnings.Add(warning);
                }

                if (old is not null && old.SameContentAs(record))
                {
                    unchanged++;
                    continue;
                }

                var stored = record with { Version = (old?.Version ?? 0) + 1, Line = 0 };
                _records[key] = stored;
                _history.Add(new ConsentChange(record.School, record.SubjectId, changedBy, now, old, stored));
                changedSubjects.Add(new SubjectRef(record.School, record.SubjectId));
                if (old is null)
                {
                    added++;
                }
                else
                {
                    changed++;
                }
            }

            return Task.FromResult(new ImportSummary(added, changed, unchanged) { ChangedSubjects = changedSubjects, Warnings = warnings });
        }
    }
}
