using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// The API's JSON: snake_case names, as the register's CSV columns and the audit CSV have them; dates
/// yyyy-MM-dd, moments yyyy-MM-ddTHH:mm:ssZ; absent optional values left out. Request bodies are bound
/// strictly: a member the request record does not have, a member given twice, or a number in a string is refused.
/// </summary>
public static class ApiJson
{
    /// <summary>The answers' JSON, as the hosts' <c>JsonOptions</c> are configured (<see cref="Configure"/>).</summary>
    public static readonly JsonSerializerOptions Options = ReadOnly(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>How request bodies are bound.</summary>
    public static readonly JsonSerializerOptions Requests = ReadOnly(new JsonSerializerOptions(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)))
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
    });

    /// <summary>Sets the API's naming and null handling on <paramref name="options"/> (ASP.NET Core's <c>JsonOptions</c>).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    internal static string Moment(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A listing's continuation as the API hands it out: the table's own, Base64url, so it travels in a query string.</summary>
    internal static string ToContinuation(string tableToken) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(tableToken)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The table's continuation of one the API handed out; null when it is not one (not Base64url of UTF-8 text).</summary>
    internal static string? FromContinuation(string token)
    {
        if (token.Length > 2048 || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        try
        {
            var text = new System.Text.UTF8Encoding(false, true).GetString(Convert.FromBase64String(base64));
            return text.Any(char.IsControl) ? null : text;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A consent record (SPEC §4) with its version; the only resource that holds a display name.</summary>
public sealed record ConsentResource(
    string School,
    string SubjectId,
    string Kind,
    string DisplayName,
    IReadOnlyList<string> Channels,
    string ValidFrom,
    string ValidUntil,
    string? WithdrawnOn,
    string? Evidence,
    long Version,
    IReadOnlyList<WarningResource>? Warnings = null)
{
    /// <param name="record">The record as stored.</param>
    /// <param name="warning">What a write applied only in part (a withdrawal that stands), if anything.</param>
    public static ConsentResource From(ConsentRecord record, ImportWarning? warning = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            record.School,
            record.SubjectId,
            record.Kind == SubjectKind.Staff ? "staff" : "pupil",
            record.DisplayName,
            record.Channels,
            ConsentFields.Format(record.ValidFrom),
            ConsentFields.Format(record.ValidUntil),
            record.WithdrawnOn is { } withdrawn ? ConsentFields.Format(withdrawn) : null,
            record.Evidence,
            record.Version,
            warning is null ? null : [WarningResource.From(warning)]);
    }
}

/// <summary>
/// The outcome of an import: how many records were added, changed and left as they were, and the rows
/// applied only in part (a withdrawal that stands), each with its line; how the CSV was read (its
/// encoding and the separator between its columns) and what it ignored (notes, such as an unused column).
/// </summary>
public sealed record ImportResource(
    int Added,
    int Changed,
    int Unchanged,
    IReadOnlyList<WarningResource> Warnings,
    string? Encoding = null,
    string? Separator = null,
    IReadOnlyList<string>? Notes = null)
{
    public static ImportResource From(ImportSummary summary, ConsentCsvResult? csv = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(
            summary.Added,
            summary.Changed,
            summary.Unchanged,
            [.. summary.Warnings.Select(WarningResource.From)],
            csv?.Format?.Encoding,
            csv?.Format?.Separator.ToString(),
            csv is { Notes.Count: > 0 } ? csv.Notes : null);
    }
}

/// <summary>A row applied only in part: its CSV line (none for a single record), its subject and what to do.</summary>
public sealed record WarningResource(int? Line, string SubjectId, string Message)
{
    public static WarningResource From(ImportWarning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        return new(warning.Line > 0 ? warning.Line : null, warning.SubjectId, warning.Message);
    }
}

/// <summary>A reason code and, for a reason about one subject, its ID.</summary>
public sealed record ReasonResource(string Code, string? Subject)
{
    public static IReadOnlyList<ReasonResource> From(IEnumerable<Reason> reasons) => [.. reasons.Select(r => new ReasonResource(r.Code, r.Subject))];
}

/// <summary>An item's current state: subject IDs only, never names (the tags that hold names are not part of it).</summary>
public sealed record ItemResource(
    string ItemKey,
    string Path,
    string State,
    IReadOnlyList<string> Channels,
    IReadOnlyList<ReasonResource> Reasons,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string>? RedactedSubjects,
    bool? RedactionPending,
    string DecidedAt,
    FaceResource? Faces = null,
    bool? AwaitsFaces = null)
{
    public static ItemResource From(ItemState item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            item.Key,
            item.Location,
            item.StateName,
            item.Channels,
            ReasonResource.From(item.Reasons),
            item.Subjects,
            item.Outcome == Outcome.Redacted ? item.RedactedSubjects : null,
            item.RedactionPending ? true : null,
            ApiJson.Moment(item.DecidedAt),
            FaceResource.From(item.FaceCheck),
            item.AwaitsFaces ? true : null);
    }
}

/// <summary>
/// The faces held against an item's tags (SPEC §11): how many were detected, and how many of them no tag accounts for
/// (<c>unidentified-face</c>). Counts only; absent when the faces were not looked at.
/// </summary>
public sealed record FaceResource(int Detected, int Unidentified)
{
    public static FaceResource? From(FaceCheck? check) => check is null ? null : new(check.Detected, check.Unidentified);
}

/// <summary>One page of items; <see cref="Next"/> (absent on the last page) is the <c>continuation</c> of the next.</summary>
public sealed record ItemPageResource(IReadOnlyList<ItemResource> Items, string? Next);

/// <summary>One change of a consent record: who made it, when, the record before (absent when it was added) and after.</summary>
public sealed record ConsentChangeResource(string ChangedBy, string ChangedAt, ConsentResource? Old, ConsentResource New)
{
    public static ConsentChangeResource From(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(change.ChangedBy, ApiJson.Moment(change.ChangedAt), change.Old is null ? null : ConsentResource.From(change.Old), ConsentResource.From(change.New));
    }
}

/// <summary>Who the caller is and what they may, per school (<c>*</c>: every school), for the web app's menus.</summary>
public sealed record CallerResource(string UserId, string? Name, IReadOnlyList<CallerSchoolResource> Schools);

/// <summary>The roles the caller has in one school (or <c>*</c>) and the permissions they make.</summary>
public sealed record CallerSchoolResource(string School, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions);

/// <summary>One decision of the audit trail, with the consent record versions it used.</summary>
public sealed record DecisionResource(
    string Trigger,
    string Outcome,
    IReadOnlyList<string> Channels,
    IReadOnlyList<ReasonResource> Reasons,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<string>? RedactedSubjects,
    IReadOnlyDictionary<string, long> ConsentVersions,
    string DecidedAt,
    FaceResource? Faces = null)
{
    public static DecisionResource From(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var decision = record.Decision;
        return new(
            record.Trigger,
            ScreeningMetrics.OutcomeName(decision.Outcome),
            decision.Channels,
            ReasonResource.From(decision.Reasons),
            decision.Subjects,
            decision.Outcome == Decisions.Outcome.Redacted ? decision.RedactedSubjects : null,
            new SortedDictionary<string, long>(decision.ConsentVersions.ToDictionary(), StringComparer.Ordinal),
            ApiJson.Moment(decision.DecidedAt),
            FaceResource.From(decision.Faces));
    }
}

/// <summary>An item and every decision about it, oldest first.</summary>
public sealed record ItemAuditResource(string ItemKey, string Path, string State, IReadOnlyList<DecisionResource> Decisions);
