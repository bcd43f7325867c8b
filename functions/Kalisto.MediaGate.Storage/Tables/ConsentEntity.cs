using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>A consent record as a table row: PartitionKey school, RowKey subject ID.</summary>
internal sealed class ConsentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Granted channels separated by <c>;</c>, as in the CSV.</summary>
    public string Channels { get; set; } = string.Empty;

    public string ValidFrom { get; set; } = string.Empty;

    public string ValidUntil { get; set; } = string.Empty;

    public string? WithdrawnOn { get; set; }

    public string? Evidence { get; set; }

    public long Version { get; set; }

    public string ChangedBy { get; set; } = string.Empty;

    public DateTimeOffset ChangedAt { get; set; }

    public static ConsentEntity From(ConsentRecord record, string changedBy, DateTimeOffset changedAt) => new()
    {
        PartitionKey = record.School,
        RowKey = record.SubjectId,
        Kind = record.Kind == SubjectKind.Staff ? "staff" : "pupil",
        DisplayName = record.DisplayName,
        Channels = string.Join(';', record.Channels),
        ValidFrom = Format(record.ValidFrom),
        ValidUntil = Format(record.ValidUntil),
        WithdrawnOn = record.WithdrawnOn is { } withdrawn ? Format(withdrawn) : null,
        Evidence = record.Evidence,
        Version = record.Version,
        ChangedBy = changedBy,
        ChangedAt = changedAt,
    };

    /// <summary>The record, or an exception when the row was not written by MediaGate (fail closed).</summary>
    public ConsentRecord ToRecord() => new()
    {
        School = PartitionKey,
        SubjectId = RowKey,
        Kind = Kind switch
        {
            "pupil" => SubjectKind.Pupil,
            "staff" => SubjectKind.Staff,
            _ => throw new InvalidDataException($"Consent row {PartitionKey}/{RowKey} has an unknown kind."),
        },
        DisplayName = DisplayName,
        Channels = [.. Channels.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)],
        ValidFrom = Parse(ValidFrom),
        ValidUntil = Parse(ValidUntil),
        WithdrawnOn = string.IsNullOrEmpty(WithdrawnOn) ? null : Parse(WithdrawnOn),
        Evidence = string.IsNullOrEmpty(Evidence) ? null : Evidence,
        Version = Version,
    };

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private DateOnly Parse(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new InvalidDataException($"Consent row {PartitionKey}/{RowKey} has a bad date.");
}

/// <summary>
/// The row keys of the <c>consent</c> table. A school's partition holds its records (RowKey the subject ID),
/// and, after every record, rows that start with <c>~</c>, which sorts after every subject ID: the
/// history of each record and the re-screens still owed. One partition, so a record, its history row and
/// its re-screen are written in one entity-group transaction: all of them or none.
/// </summary>
internal static class ConsentRows
{
    /// <summary>Every row below this key is a record (subject IDs start with a letter or digit).</summary>
    public const string RecordsEnd = "~";

    public const string HistoryPrefix = "~history|";

    public const string OutboxPrefix = "~outbox|";

    /// <summary>The first key after every outbox row (<c>}</c> follows <c>|</c>).</summary>
    public const string OutboxEnd = "~outbox}";

    public static string History(string subjectId, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"{HistoryPrefix}{subjectId}|{version:D10}");

    public static string Outbox(string subjectId) => OutboxPrefix + subjectId;
}

/// <summary>
/// One change of a consent record: PartitionKey school, RowKey <c>~history|{subject}|{version:D10}</c>.
/// Added in the transaction that makes the change, so it exists only for a change that committed.
/// </summary>
internal sealed class ConsentHistoryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SubjectId { get; set; } = string.Empty;

    public long Version { get; set; }

    public string ChangedBy { get; set; } = string.Empty;

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>The record before the change as JSON, or null when it was added.</summary>
    public string? Old { get; set; }

    /// <summary>The record after the change as JSON.</summary>
    public string New { get; set; } = string.Empty;
}

/// <summary>
/// A re-screen owed to a subject whose record changed: PartitionKey school, RowKey <c>~outbox|{subject}</c>.
/// Upserted in the transaction of every change, deleted (If-Match) once a re-screen that started after
/// the change has finished; while it exists the re-screen is owed, whatever happened to its message.
/// </summary>
internal sealed class ConsentOutboxEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string School { get; set; } = string.Empty;

    public string SubjectId { get; set; } = string.Empty;

    public string Cause { get; set; } = string.Empty;

    /// <summary>When the change that owes the re-screen committed.</summary>
    public DateTimeOffset At { get; set; }
}
