using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>Row keys for items: blob names can hold characters that table keys cannot.</summary>
public static class ItemKey
{
    /// <summary>A stable key for an item's location (<c>{school}/{relative path}</c>).</summary>
    public static string For(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location)))[..32];
    }
}

/// <summary>The current state of one item: PartitionKey school, RowKey <see cref="ItemKey"/> of its location.</summary>
internal sealed class ItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary><c>{school}/{relative path}</c> in <c>approved</c> and/or <c>quarantine</c>.</summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>The name it was uploaded under.</summary>
    public string UploadPath { get; set; } = string.Empty;

    /// <summary><c>approved</c>, <c>quarantined</c> or <c>redacted</c>.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>A redacted derivative was asked for and is not in <c>approved</c> yet.</summary>
    public bool RedactionPending { get; set; }

    public string Subjects { get; set; } = string.Empty;

    public string RedactedSubjects { get; set; } = string.Empty;

    public string Channels { get; set; } = string.Empty;

    /// <summary>JSON array of <c>{code, subject?}</c>.</summary>
    public string Reasons { get; set; } = "[]";

    /// <summary>JSON of the tags relevant to decisions, so consent changes can decide again without the file.</summary>
    public string Tags { get; set; } = "{}";

    public string SourceETag { get; set; } = string.Empty;

    public string ContentType { get; set; } = string.Empty;

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>RowKey of the decision that set this state.</summary>
    public string DecisionKey { get; set; } = string.Empty;
}

/// <summary>
/// One decision, the audit trail (SPEC §8): PartitionKey school, RowKey <c>{item key}|{trigger}|…</c>, the rest
/// derived from what was decided (for an upload its ETag and outcome, for a re-screen the state it replaced
/// and the new decision), so a repeated delivery finds its own row. Never updated in place.
/// </summary>
internal sealed class DecisionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ItemKey { get; set; } = string.Empty;

    public string Location { get; set; } = string.Empty;

    /// <summary><c>upload</c>, <c>rescreen</c> or <c>redaction</c>.</summary>
    public string Trigger { get; set; } = string.Empty;

    public string Outcome { get; set; } = string.Empty;

    public string Subjects { get; set; } = string.Empty;

    public string RedactedSubjects { get; set; } = string.Empty;

    public string Channels { get; set; } = string.Empty;

    public string Reasons { get; set; } = "[]";

    /// <summary>JSON object: subject ID → version of the consent record this decision used.</summary>
    public string ConsentVersions { get; set; } = "{}";

    public DateTimeOffset DecidedAt { get; set; }

    public string SourceETag { get; set; } = string.Empty;
}

/// <summary>Subject → item index (SPEC §7): PartitionKey school, RowKey <c>{subject}|{item key}</c>.</summary>
internal sealed class SubjectItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SubjectId { get; set; } = string.Empty;

    public string ItemKey { get; set; } = string.Empty;

    public static string Key(string subjectId, string itemKey) => $"{subjectId}|{itemKey}";
}
