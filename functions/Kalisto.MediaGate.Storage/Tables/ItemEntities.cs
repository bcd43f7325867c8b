using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>
/// Item identity and the row keys of the <c>items</c> table (SPEC §8). An item is one upload: one
/// version of one blob. Its ID is derived from the upload's name and ETag, so every delivery of the same
/// upload finds the same item, and a second upload under the same name is another item.
/// </summary>
public static class ItemKey
{
    /// <summary>The item ID of the upload <paramref name="uploadPath"/> at <paramref name="uploadETag"/>: 32 hex digits.</summary>
    public static string For(string uploadPath, string uploadETag)
    {
        ArgumentNullException.ThrowIfNull(uploadPath);
        ArgumentNullException.ThrowIfNull(uploadETag);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{uploadPath}\n{uploadETag}")))[..32];
    }

    internal const string ItemPrefix = "item|";
    internal const string DecisionPrefix = "decision|";
    internal const string SubjectPrefix = "subject|";

    internal static string ItemRow(string itemId) => ItemPrefix + itemId;

    internal static string DecisionRow(string itemId, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{DecisionPrefix}{itemId}|{generation:D6}");

    internal static string SubjectRow(string subject, string itemId) => $"{SubjectPrefix}{subject}|{itemId}";

    /// <summary>The end of a key range that starts with <paramref name="prefix"/> ('|' + 1 is '}').</summary>
    internal static string After(string prefix) => prefix[..^1] + "}";
}

/// <summary>
/// The current state of one item: PartitionKey school, RowKey <c>item|{item ID}</c>. It lives in the
/// same partition as the item's decisions and index rows, so a decision and the state it leads to are
/// written in one transaction, conditional on the state that was read.
/// </summary>
internal sealed class ItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ItemId { get; set; } = string.Empty;

    /// <summary><c>{school}/{relative path}</c> of its copy in <c>approved</c> or <c>quarantine</c>.</summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>The name it was uploaded under.</summary>
    public string UploadPath { get; set; } = string.Empty;

    /// <summary>The ETag of the upload version this item is.</summary>
    public string SourceETag { get; set; } = string.Empty;

    /// <summary><c>screening</c> (tags read, not decided yet), <c>approved</c>, <c>quarantined</c> or <c>redacted</c>.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>The copies were confirmed to match this state after its last change.</summary>
    public bool Converged { get; set; }

    /// <summary>Counts the decisions recorded for this item; the key of the latest one.</summary>
    public long Generation { get; set; }

    /// <summary>A redacted derivative was asked for and is not in <c>approved</c> yet.</summary>
    public bool RedactionPending { get; set; }

    /// <summary>The decision that asked for the current redacted derivative (its copy carries it).</summary>
    public string RedactionKey { get; set; } = string.Empty;

    /// <summary>JSON array of the face regions the derivative hides.</summary>
    public string Redactions { get; set; } = "[]";

    public string Subjects { get; set; } = string.Empty;

    public string RedactedSubjects { get; set; } = string.Empty;

    public string Channels { get; set; } = string.Empty;

    /// <summary>JSON array of <c>{code, subject?, tags: [{tag, value}]}</c>: which tags gave each reason.</summary>
    public string Reasons { get; set; } = "[]";

    /// <summary>JSON of the tags relevant to decisions, so consent changes can decide again without the file.</summary>
    public string Tags { get; set; } = "{}";

    /// <summary>JSON object: subject ID → version of the consent record the current decision used.</summary>
    public string ConsentVersions { get; set; } = "{}";

    /// <summary>JSON of what the face detector found (boxes, or why it could not look); empty before it looked.</summary>
    public string Faces { get; set; } = string.Empty;

    /// <summary>JSON of the current decision's face count (detected, unidentified, boxes no tag accounts for); empty without one.</summary>
    public string FaceCheck { get; set; } = string.Empty;

    public string ContentType { get; set; } = string.Empty;

    public DateTimeOffset DecidedAt { get; set; }
}

/// <summary>
/// One decision, the audit trail (SPEC §8): PartitionKey school, RowKey <c>decision|{item ID}|{generation}</c>.
/// Added in the same transaction as the state it leads to, so a decision that lost a race to a concurrent
/// one is never recorded; never updated in place.
/// </summary>
internal sealed class DecisionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ItemKey { get; set; } = string.Empty;

    public long Generation { get; set; }

    public string Location { get; set; } = string.Empty;

    /// <summary><c>upload</c>, <c>rescreen</c>, <c>faces</c>, <c>redaction</c> or <c>reconcile</c>.</summary>
    public string Trigger { get; set; } = string.Empty;

    public string Outcome { get; set; } = string.Empty;

    public string Subjects { get; set; } = string.Empty;

    public string RedactedSubjects { get; set; } = string.Empty;

    public string Channels { get; set; } = string.Empty;

    /// <summary>JSON array of <c>{code, subject?}</c>: subject IDs only, never the values as tagged.</summary>
    public string Reasons { get; set; } = "[]";

    /// <summary>JSON object: subject ID → version of the consent record this decision used.</summary>
    public string ConsentVersions { get; set; } = "{}";

    /// <summary>JSON of the faces held against the tags: detected, unidentified, and the boxes no tag accounts for; empty when not looked at.</summary>
    public string Faces { get; set; } = string.Empty;

    public DateTimeOffset DecidedAt { get; set; }

    public string SourceETag { get; set; } = string.Empty;
}

/// <summary>Subject → item index (SPEC §7): PartitionKey school, RowKey <c>subject|{subject}|{item ID}</c>.</summary>
internal sealed class SubjectItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string SubjectId { get; set; } = string.Empty;

    public string ItemKey { get; set; } = string.Empty;
}
