using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>
/// The consent register on Table Storage (SPEC §4): PartitionKey school, RowKey subject ID. Every change of
/// a record is one entity-group transaction in the school's partition: the record (If-Match on the ETag
/// read, or added when new), its history row, and the subject's outbox row (the re-screen owed, see
/// <see cref="RescreenOutbox"/>). So history exists only for a change that committed, and a change never
/// commits without its re-screen, whatever happens to the process after. Reads that fail throw; they never
/// return "no consent on file".
/// </summary>
public sealed class TableConsentRegister(MediaStorage storage, TimeProvider clock) : IConsentRegister
{
    /// <summary>How often an import or a withdrawal reads, decides and writes a record again after a concurrent change.</summary>
    private const int Attempts = 3;

    internal static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<IReadOnlyList<ConsentRecord>> GetSchoolAsync(string school, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(school);
        var records = new List<ConsentRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey lt {ConsentRows.RecordsEnd}");
        await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(entity.ToRecord());
        }

        return [.. records.OrderBy(r => r.SubjectId, StringComparer.Ordinal)];
    }

    /// <summary>One subject's record, or null when the school has none for it.</summary>
    public async Task<ConsentRecord?> GetAsync(string school, string subjectId, CancellationToken cancellationToken) =>
        (await ReadAsync(school, subjectId, cancellationToken))?.ToRecord();

    public async Task<IReadOnlyList<ConsentRecord>> ExportAsync(CancellationToken cancellationToken)
    {
        var records = new List<ConsentRecord>();
        var filter = TableClient.CreateQueryFilter($"RowKey lt {ConsentRows.RecordsEnd}");
        await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(entity.ToRecord());
        }

        return [.. records.OrderBy(r => r.School, StringComparer.Ordinal).ThenBy(r => r.SubjectId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Adds or replaces records. The records were validated as a whole before (CSV import is all or
    /// nothing); writing them is one transaction per record, so an import that stops half-way (storage
    /// outage, cancellation) leaves every record it wrote with its history and its re-screen owed, and
    /// completes when it is run again, reporting the records already written as unchanged. A record
    /// changed by someone else meanwhile is read and decided again (bounded), so a withdrawal committed
    /// during the import stands. A withdrawn record is not lifted by a row with its old evidence: the
    /// row applies without lifting it, and the summary says so for its line.
    /// </summary>
    public async Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrWhiteSpace(changedBy);
        int added = 0, changed = 0, unchanged = 0;
        var changedSubjects = new List<SubjectRef>();
        var warnings = new List<ImportWarning>();
        foreach (var school in records.GroupBy(r => r.School, StringComparer.Ordinal))
        {
            var existing = new Dictionary<string, ConsentEntity>(StringComparer.Ordinal);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school.Key} and RowKey lt {ConsentRows.RecordsEnd}");
            await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(filter, cancellationToken: cancellationToken))
            {
                existing[entity.RowKey] = entity;
            }

            foreach (var record in school)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var write = await ReplaceAsync(record, existing.GetValueOrDefault(record.SubjectId), changedBy, retry: true, cancellationToken);
                if (write.Warning is not null)
                {
                    warnings.Add(write.Warning);
                }

                switch (write.Outcome)
                {
                    case ConsentWriteOutcome.Added:
                        added++;
                        break;
                    case ConsentWriteOutcome.Changed:
                        changed++;
                        break;
                    default:
                        unchanged++;
                        break;
                }

                if (write.Written)
                {
                    changedSubjects.Add(new SubjectRef(record.School, record.SubjectId));
                }
            }
        }

        return new ImportSummary(added, changed, unchanged) { ChangedSubjects = changedSubjects, Warnings = warnings };
    }

    /// <summary>
    /// Adds or replaces one record in one conditional operation. With <paramref name="expectedVersion"/>
    /// (0: "there is no record yet") the write is conditional on the ETag of the row whose version
    /// matched, so a change committed after that read (a withdrawal) fails the write instead of being
    /// overwritten; without it, conditional on the row as read. A concurrent change throws a
    /// <see cref="RequestFailedException"/> with status 409 or 412 and changes nothing; the caller decides again.
    /// </summary>
    public async Task<ConsentWrite> PutAsync(ConsentRecord record, long? expectedVersion, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(changedBy);
        var current = await ReadAsync(record.School, record.SubjectId, cancellationToken);
        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            return new ConsentWrite(ConsentWriteOutcome.StaleVersion, current?.ToRecord());
        }

        return await ReplaceAsync(record, current, changedBy, retry: false, cancellationToken);
    }

    /// <summary>
    /// Withdraws a subject's consent from <paramref name="on"/>, conditional on the record read (a
    /// concurrent change is read and decided again, bounded). A date before the record's <c>valid_from</c>
    /// is refused (<see cref="ConsentWriteOutcome.BeforeValidFrom"/>, nothing written). Without a date, from
    /// <paramref name="today"/>, or from <c>valid_from</c> when the consent has not started yet (the same
    /// effect: before it, the record allows nothing). A record already withdrawn on that day or earlier is
    /// left as it is (<see cref="ConsentWriteOutcome.Unchanged"/>): the earlier date stands.
    /// </summary>
    public async Task<ConsentWrite> WithdrawAsync(string school, string subjectId, DateOnly? on, DateOnly today, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(changedBy);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(school, subjectId, cancellationToken);
            if (current is null)
            {
                return new ConsentWrite(ConsentWriteOutcome.Missing, null);
            }

            var old = current.ToRecord();
            if (on is { } asked && asked < old.ValidFrom)
            {
                return new ConsentWrite(ConsentWriteOutcome.BeforeValidFrom, old);
            }

            var day = on ?? (today < old.ValidFrom ? old.ValidFrom : today);
            if (old.WithdrawnOn is { } earlier && earlier <= day)
            {
                return new ConsentWrite(ConsentWriteOutcome.Unchanged, old);
            }

            try
            {
                return new ConsentWrite(ConsentWriteOutcome.Changed, await CommitAsync(old, current.ETag, old with { WithdrawnOn = day }, changedBy, cancellationToken));
            }
            catch (RequestFailedException e) when (IsConflict(e) && attempt < Attempts)
            {
                // Changed meanwhile: read it again and decide on what is there now.
            }
        }
    }

    /// <summary>Every change of one subject's record, oldest first.</summary>
    public async Task<IReadOnlyList<ConsentChange>> HistoryAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var changes = new List<ConsentChange>();
        var from = ConsentRows.History(subjectId, 0);
        var to = ConsentRows.History(subjectId, long.MaxValue / 10);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey le {to}");
        await foreach (var row in storage.Consent.QueryAsync<ConsentHistoryEntity>(filter, cancellationToken: cancellationToken))
        {
            var old = row.Old is null ? null : JsonSerializer.Deserialize<ConsentRecord>(row.Old, HistoryJson);
            var @new = JsonSerializer.Deserialize<ConsentRecord>(row.New, HistoryJson)
                ?? throw new InvalidDataException($"History row {row.PartitionKey}/{row.RowKey} is empty.");
            changes.Add(new ConsentChange(row.PartitionKey, row.SubjectId, row.ChangedBy, row.ChangedAt, old, @new));
        }

        return changes;
    }

    internal static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;

    private async Task<ConsentEntity?> ReadAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var response = await storage.Consent.GetEntityIfExistsAsync<ConsentEntity>(school, subjectId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Decides what <paramref name="record"/> makes of the row read, and writes that conditionally.</summary>
    private async Task<ConsentWrite> ReplaceAsync(ConsentRecord record, ConsentEntity? current, string changedBy, bool retry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var old = current?.ToRecord();
            var (next, warning) = StandingWithdrawal.Apply(old, record);
            if (old is not null && old.SameContentAs(next))
            {
                return new ConsentWrite(ConsentWriteOutcome.Unchanged, old, warning);
            }

            try
            {
                var stored = await CommitAsync(old, current?.ETag, next, changedBy, cancellationToken);
                return new ConsentWrite(old is null ? ConsentWriteOutcome.Added : ConsentWriteOutcome.Changed, stored, warning);
            }
            catch (RequestFailedException e) when (retry && IsConflict(e) && attempt < Attempts)
            {
                current = await ReadAsync(record.School, record.SubjectId, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The one transaction of a change: the record (replaced If-Match <paramref name="etag"/>, or added
    /// when there was none), its history row (added: a version is written once), and the subject's outbox row.
    /// </summary>
    private async Task<ConsentRecord> CommitAsync(ConsentRecord? old, ETag? etag, ConsentRecord next, string changedBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stored = next with { Version = (old?.Version ?? 0) + 1, Line = 0 };
        var record = ConsentEntity.From(stored, changedBy, now);
        var history = new ConsentHistoryEntity
        {
            PartitionKey = stored.School,
            RowKey = ConsentRows.History(stored.SubjectId, stored.Version),
            SubjectId = stored.SubjectId,
            Version = stored.Version,
            ChangedBy = changedBy,
            ChangedAt = now,
            Old = old is null ? null : JsonSerializer.Serialize(old, HistoryJson),
            New = JsonSerializer.Serialize(stored, HistoryJson),
        };
        var outbox = new ConsentOutboxEntity
        {
            PartitionKey = stored.School,
            RowKey = ConsentRows.Outbox(stored.SubjectId),
            School = stored.School,
            SubjectId = stored.SubjectId,
            Cause = RescreenRequest.ConsentChange,
            At = now,
        };

        await storage.Consent.SubmitTransactionAsync(
            [
                etag is { } match
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, record, match)
                    : new TableTransactionAction(TableTransactionActionType.Add, record),
                new TableTransactionAction(TableTransactionActionType.Add, history),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, outbox),
            ],
            cancellationToken);
        return stored;
    }
}
