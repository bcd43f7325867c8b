using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>
/// The consent register on Table Storage (SPEC §4): PartitionKey school, RowKey subject ID, and a
/// history row for every change. Reads that fail throw; they never return "no consent on file".
/// </summary>
public sealed class TableConsentRegister(MediaStorage storage, TimeProvider clock) : IConsentRegister
{
    internal static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<IReadOnlyList<ConsentRecord>> GetSchoolAsync(string school, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(school);
        var records = new List<ConsentRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school}");
        await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(entity.ToRecord());
        }

        return [.. records.OrderBy(r => r.SubjectId, StringComparer.Ordinal)];
    }

    /// <summary>One subject's record, or null when the school has none for it.</summary>
    public async Task<ConsentRecord?> GetAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var response = await storage.Consent.GetEntityIfExistsAsync<ConsentEntity>(school, subjectId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.ToRecord() : null;
    }

    public async Task<IReadOnlyList<ConsentRecord>> ExportAsync(CancellationToken cancellationToken)
    {
        var records = new List<ConsentRecord>();
        await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(cancellationToken: cancellationToken))
        {
            records.Add(entity.ToRecord());
        }

        return [.. records.OrderBy(r => r.School, StringComparer.Ordinal).ThenBy(r => r.SubjectId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Adds or replaces records. The records were validated as a whole before (CSV import is all or
    /// nothing); writing them is idempotent per record, so an import that fails half-way (storage
    /// outage) completes when it is run again and reports the records already written as unchanged.
    /// Each change writes its history row first, then the record, conditional on the record's ETag:
    /// a concurrent change makes the import fail rather than lose an update.
    /// </summary>
    public async Task<ImportSummary> ImportAsync(IReadOnlyList<ConsentRecord> records, string changedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrWhiteSpace(changedBy);
        int added = 0, changed = 0, unchanged = 0;
        var changedSubjects = new List<SubjectRef>();
        var now = clock.GetUtcNow();
        foreach (var school in records.GroupBy(r => r.School, StringComparer.Ordinal))
        {
            var existing = new Dictionary<string, ConsentEntity>(StringComparer.Ordinal);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school.Key}");
            await foreach (var entity in storage.Consent.QueryAsync<ConsentEntity>(filter, cancellationToken: cancellationToken))
            {
                existing[entity.RowKey] = entity;
            }

            foreach (var record in school)
            {
                existing.TryGetValue(record.SubjectId, out var current);
                var old = current?.ToRecord();
                if (old is not null && old.SameContentAs(record))
                {
                    unchanged++;
                    continue;
                }

                await WriteAsync(old, current?.ETag, record, changedBy, now, cancellationToken);
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
        }

        return new ImportSummary(added, changed, unchanged) { ChangedSubjects = changedSubjects };
    }

    /// <summary>Every change of one subject's record, oldest first.</summary>
    public async Task<IReadOnlyList<ConsentChange>> HistoryAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var changes = new List<ConsentChange>();
        var from = ConsentHistoryEntity.Key(subjectId, 0);
        var to = ConsentHistoryEntity.Key(subjectId, long.MaxValue / 10);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey le {to}");
        await foreach (var row in storage.ConsentHistory.QueryAsync<ConsentHistoryEntity>(filter, cancellationToken: cancellationToken))
        {
            var old = row.Old is null ? null : JsonSerializer.Deserialize<ConsentRecord>(row.Old, HistoryJson);
            var @new = JsonSerializer.Deserialize<ConsentRecord>(row.New, HistoryJson)
                ?? throw new InvalidDataException($"History row {row.PartitionKey}/{row.RowKey} is empty.");
            changes.Add(new ConsentChange(row.PartitionKey, row.SubjectId, row.ChangedBy, row.ChangedAt, old, @new));
        }

        return changes;
    }

    private async Task WriteAsync(ConsentRecord? old, ETag? etag, ConsentRecord record, string changedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = record with { Version = (old?.Version ?? 0) + 1 };
        var history = new ConsentHistoryEntity
        {
            PartitionKey = stored.School,
            RowKey = ConsentHistoryEntity.Key(stored.SubjectId, stored.Version),
            SubjectId = stored.SubjectId,
            Version = stored.Version,
            ChangedBy = changedBy,
            ChangedAt = now,
            Old = old is null ? null : JsonSerializer.Serialize(old, HistoryJson),
            New = JsonSerializer.Serialize(stored, HistoryJson),
        };

        // Written first and never updated in place: a repeat after a failure finds it and moves on.
        await storage.ConsentHistory.UpsertEntityAsync(history, TableUpdateMode.Replace, cancellationToken);

        var entity = ConsentEntity.From(stored, changedBy, now);
        if (etag is { } match)
        {
            await storage.Consent.UpdateEntityAsync(entity, match, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await storage.Consent.AddEntityAsync(entity, cancellationToken);
        }
    }
}
