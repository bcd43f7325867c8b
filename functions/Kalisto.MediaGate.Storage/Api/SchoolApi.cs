using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Api;

/// <summary>
/// The HTTP API of one school (README "HTTP API"): its consent register, its review list and its audit trail.
/// Checks every input and answers bad input with problem details, never an exception; register changes go
/// through <see cref="ConsentChanges"/> (history kept, re-screens queued). Storage errors propagate.
/// Logs school, subject IDs and counts, never display names.
/// </summary>
public sealed partial class SchoolApi(
    TableConsentRegister register,
    ConsentChanges changes,
    ItemCatalog catalog,
    AuditExport audit,
    ConsentOptions options,
    ILogger<SchoolApi> logger)
{
    /// <summary>The largest JSON body read (a consent record is well under 1 KiB).</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>The largest CSV body read (a school's register of thousands of rows is well under 1 MiB).</summary>
    public const int MaxCsvBytes = 16 * 1024 * 1024;

    /// <summary>The item states a listing can ask for; the review list is <c>quarantined</c>.</summary>
    public static readonly IReadOnlyList<string> States = ["approved", "quarantined", "redacted", "screening"];

    private static readonly string[] ConsentBodyFields =
        ["school", "subject_id", "kind", "display_name", "channels", "valid_from", "valid_until", "withdrawn_on", "evidence", "version"];

    private const string Invalid = "The request is not valid.";

    public async Task<ApiResult> GetConsentAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("GetConsent", errors, "The address names no valid school and subject.");
        }

        var record = await register.GetAsync(code, subject, cancellationToken);
        return record is null ? NoRecord(code, subject) : new ApiResult.Json(ConsentResource.From(record));
    }

    /// <summary>Adds or replaces the whole record (as a CSV row does), validated with the CSV import's rules.</summary>
    public async Task<ApiResult> PutConsentAsync(string school, string subjectId, ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("PutConsent", errors, "The address names no valid school and subject.");
        }

        var (body, problem) = await ReadJsonAsync(request, required: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        using (body)
        {
            var (fields, version) = ConsentBody(body!.RootElement, code, subject, errors);
            var record = errors.Any ? null : ConsentFields.Parse(fields, options, errors.Add);
            if (record is null)
            {
                return Refused("PutConsent", errors, "The consent record is not valid; nothing was changed.");
            }

            ConsentWrite write;
            try
            {
                // One conditional operation: If-Match on the row whose version matched (or on the row read).
                write = await changes.PutAsync(record, version, ChangedBy(request), cancellationToken);
            }
            catch (RequestFailedException e) when (TableConsentRegister.IsConflict(e))
            {
                return ChangedMeanwhile();
            }

            if (write.Outcome == ConsentWriteOutcome.StaleVersion)
            {
                return new ApiResult.Problem(409, "The record has changed", write.Record is not { } current
                    ? $"{code} has no consent record for {subject}, so there is no version {version} to replace."
                    : $"The record is at version {current.Version}, not {version}: read it again and decide on the change; nothing was changed.");
            }

            var stored = write.Record!;
            LogConsentWritten(code, subject, stored.Version);
            return new ApiResult.Json(ConsentResource.From(stored, write.Warning));
        }
    }

    /// <summary>Withdraws a consent from <c>withdrawn_on</c> in the body, or from today when there is no body.</summary>
    public async Task<ApiResult> WithdrawConsentAsync(string school, string subjectId, ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("WithdrawConsent", errors, "The address names no valid school and subject.");
        }

        var (body, problem) = await ReadJsonAsync(request, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        DateOnly? on = null;
        using (body)
        {
            if (body is not null)
            {
                on = WithdrawalBody(body.RootElement, errors);
            }
        }

        if (errors.Any)
        {
            return Refused("WithdrawConsent", errors, "The withdrawal is not valid; nothing was changed.");
        }

        ConsentWrite write;
        try
        {
            write = await changes.WithdrawAsync(code, subject, on, ChangedBy(request), cancellationToken);
        }
        catch (RequestFailedException e) when (TableConsentRegister.IsConflict(e))
        {
            return ChangedMeanwhile();
        }

        if (write is { Outcome: ConsentWriteOutcome.BeforeValidFrom, Record: { } started })
        {
            errors.Add("withdrawn_on", $"{ConsentFields.Format(on!.Value)} is before valid_from {ConsentFields.Format(started.ValidFrom)} of the record; withdraw from that date or later");
            return Refused("WithdrawConsent", errors, "The withdrawal is not valid; nothing was changed.");
        }

        // A repeated withdrawal answers the record as it stands: its earlier date, its version unchanged.
        return write.Record is { } record ? new ApiResult.Json(ConsentResource.From(record)) : NoRecord(code, subject);
    }

    /// <summary>
    /// Imports a CSV of the school's register (SPEC §4): all or nothing, every error with its line and field.
    /// ',' or ';' between columns, UTF-8 or Windows-1252; the answer says which, and which columns it ignored.
    /// </summary>
    public async Task<ApiResult> ImportConsentAsync(string school, ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new ApiErrors();
        var code = School(school, errors);
        if (errors.Any)
        {
            return Refused("ImportConsent", errors, "The address names no valid school.");
        }

        if (!HasMediaType(request.ContentType, "text/csv"))
        {
            return UnsupportedMediaType("text/csv");
        }

        var bytes = await ReadBodyAsync(request.Body, MaxCsvBytes, cancellationToken);
        if (bytes is null)
        {
            return TooLarge(MaxCsvBytes);
        }

        var csv = ConsentCsv.Read(new MemoryStream(bytes, writable: false), options, code);
        foreach (var error in csv.Errors)
        {
            errors.Add(error.Field is null ? $"line {error.Line}" : $"line {error.Line}, {error.Field}", error.Message);
        }

        if (!csv.IsValid)
        {
            return Refused("ImportConsent", errors, $"The CSV has {csv.Errors.Count} error(s); nothing was imported.");
        }

        var (summary, conflict) = await WriteAsync(csv.Records, request, cancellationToken);
        if (summary is null)
        {
            return conflict!;
        }

        LogImported(code, summary.Added, summary.Changed, summary.Unchanged, summary.Warnings.Count);
        return new ApiResult.Json(ImportResource.From(summary, csv));
    }

    /// <summary>The school's items in one state, by path; without a state the review list (quarantined).</summary>
    public async Task<ApiResult> ListItemsAsync(string school, string? state, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var wanted = string.IsNullOrWhiteSpace(state) ? "quarantined" : state.Trim().ToLowerInvariant();
        if (!States.Contains(wanted))
        {
            errors.Add("state", $"'{Shown(state)}' is not a state; expected {string.Join(", ", States)}");
        }

        if (errors.Any)
        {
            return Refused("ListItems", errors, "The listing cannot be made.");
        }

        var items = await catalog.ListAsync(code, cancellationToken);
        return new ApiResult.Json(items.Where(i => i.StateName == wanted).Select(ItemResource.From).ToList());
    }

    /// <summary>Every decision about one item, oldest first.</summary>
    public async Task<ApiResult> ItemAuditAsync(string school, string itemKey, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var key = (itemKey ?? string.Empty).Trim().ToLowerInvariant();
        if (!ItemKeyPattern().IsMatch(key))
        {
            errors.Add("item_key", $"'{Shown(itemKey)}' is not an item key (32 hexadecimal digits, the item_key of a listing)");
        }

        if (errors.Any)
        {
            return Refused("ItemAudit", errors, "The address names no valid school and item.");
        }

        var item = (await catalog.GetAsync(code, key, cancellationToken))?.State;
        if (item is null)
        {
            return new ApiResult.Problem(404, "Not found", $"{code} has no item {key}.");
        }

        var trail = await catalog.TrailAsync(code, key, cancellationToken);
        return new ApiResult.Json(new ItemAuditResource(item.Key, item.Location, item.StateName, [.. trail.Select(DecisionResource.From)]));
    }

    /// <summary>
    /// The school's decisions from the start of <paramref name="from"/> to the end of <paramref name="to"/>
    /// (days in the configured time zone) as the audit CSV.
    /// </summary>
    public async Task<ApiResult> ExportAuditAsync(string school, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var first = ConsentFields.Date(from?.Trim() ?? string.Empty, "from", required: true, errors.Add);
        var last = ConsentFields.Date(to?.Trim() ?? string.Empty, "to", required: true, errors.Add);
        if (first is { } f && last is { } l && l < f)
        {
            errors.Add("to", $"{ConsentFields.Format(l)} is before from {ConsentFields.Format(f)}");
        }

        if (errors.Any)
        {
            return Refused("ExportAudit", errors, "The period is not valid; give from and to as yyyy-MM-dd, to inclusive.");
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var count = await audit.WriteAsync(text, StartOfDay(first!.Value, zone), StartOfDay(last!.Value.AddDays(1), zone), code, cancellationToken);
        LogAuditExported(code, first.Value, last.Value, count);
        return new ApiResult.Download(
            new UTF8Encoding(false).GetBytes(text.ToString()),
            "text/csv; charset=utf-8",
            $"audit-{code}-{ConsentFields.Format(first.Value)}-{ConsentFields.Format(last.Value)}.csv");
    }

    /// <summary>The first moment of a day in <paramref name="zone"/> (after a clock change at midnight, the first that exists).</summary>
    internal static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private string School(string? value, ApiErrors errors)
    {
        var code = ConsentFields.NormaliseSchool(value);
        if (!ConsentFields.IsSchoolCode(code))
        {
            errors.Add("school", $"'{Shown(value)}' is not a school code (lower-case letters, digits and '-')");
        }

        return code;
    }

    private string Subject(string? value, ApiErrors errors)
    {
        var subject = (value ?? string.Empty).Trim().ToUpperInvariant();
        if (!options.SubjectIdRegex().IsMatch(subject))
        {
            errors.Add("subject_id", $"'{Shown(value)}' does not match the subject ID pattern {options.SubjectIdPattern}");
        }

        return subject;
    }

    /// <summary>The record's fields from a PUT body; school and subject come from the address.</summary>
    private (ConsentFields Fields, long? Version) ConsentBody(JsonElement body, string school, string subject, ApiErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "must be a JSON object with the record's fields");
            return (new ConsentFields(school, subject, null, null, null, null, null, null, null), null);
        }

        UnknownFields(body, ConsentBodyFields, errors);
        var named = Text(body, "school", errors);
        if (named is not null && ConsentFields.NormaliseSchool(named) != school)
        {
            errors.Add("school", $"the body names school '{Shown(named)}', the address '{school}'");
        }

        named = Text(body, "subject_id", errors);
        if (named is not null && named.Trim().ToUpperInvariant() != subject)
        {
            errors.Add("subject_id", $"the body names subject '{Shown(named)}', the address '{subject}'");
        }

        long? version = null;
        if (body.TryGetProperty("version", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var number) && number >= 0)
            {
                version = number;
            }
            else
            {
                errors.Add("version", "must be the whole number of the version read (to replace only that version)");
            }
        }

        return (new ConsentFields(
            school,
            subject,
            Text(body, "kind", errors),
            Text(body, "display_name", errors),
            Channels(body, errors),
            Text(body, "valid_from", errors),
            Text(body, "valid_until", errors),
            Text(body, "withdrawn_on", errors),
            Text(body, "evidence", errors)), version);
    }

    private static DateOnly? WithdrawalBody(JsonElement body, ApiErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "must be a JSON object such as {\"withdrawn_on\": \"2026-12-01\"}, or empty");
            return null;
        }

        UnknownFields(body, ["withdrawn_on"], errors);
        var text = Text(body, "withdrawn_on", errors);
        return text is null ? null : ConsentFields.Date(text.Trim(), "withdrawn_on", required: false, errors.Add);
    }

    private static void UnknownFields(JsonElement body, IReadOnlyCollection<string> known, ApiErrors errors)
    {
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            errors.Add(property.Name, $"is not a field here; expected {string.Join(", ", known)}");
        }
    }

    private static string? Text(JsonElement body, string field, ApiErrors errors)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add(field, "must be a string");
        return null;
    }

    /// <summary>The channels array as the CSV has them (<c>;</c> between names).</summary>
    private static string? Channels(JsonElement body, ApiErrors errors)
    {
        if (!body.TryGetProperty("channels", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            errors.Add("channels", "must be an array of channel names, such as [\"newsletter\", \"website\"]");
            return null;
        }

        var channels = value.EnumerateArray().Select(c => c.GetString()!).ToList();
        foreach (var channel in channels.Where(c => c.Contains(';', StringComparison.Ordinal)))
        {
            errors.Add("channels", $"'{Shown(channel)}' is not one channel name");
        }

        return string.Join(';', channels);
    }

    /// <summary>The body as JSON, or the problem with it. No body (when not required) is null without a problem.</summary>
    private static async Task<(JsonDocument? Body, ApiResult? Problem)> ReadJsonAsync(ApiRequest request, bool required, CancellationToken cancellationToken)
    {
        var bytes = await ReadBodyAsync(request.Body, MaxJsonBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, TooLarge(MaxJsonBytes));
        }

        if (!required && bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return (null, null);
        }

        if (!HasMediaType(request.ContentType, "application/json"))
        {
            return (null, UnsupportedMediaType("application/json"));
        }

        try
        {
            return (JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false }), null);
        }
        catch (JsonException e)
        {
            var errors = new ApiErrors();
            errors.Add("body", bytes.Length == 0 ? "is empty; expected a JSON object" : $"is not valid JSON: {e.Message}");
            return (null, errors.Result(Invalid, "The body is not valid JSON; nothing was changed."));
        }
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Whether a Content-Type is <paramref name="expected"/> (or a <c>+json</c> type for JSON); none at all is accepted.</summary>
    private static bool HasMediaType(string? contentType, string expected)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }

        return string.Equals(mediaType, expected, StringComparison.OrdinalIgnoreCase)
            || (expected == "application/json" && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Writes through <see cref="ConsentChanges"/>; a concurrent change of the same record is a 409, not an error.</summary>
    private async Task<(ImportSummary? Summary, ApiResult? Conflict)> WriteAsync(IReadOnlyList<ConsentRecord> records, ApiRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await changes.ImportAsync(records, ChangedBy(request), cancellationToken), null);
        }
        catch (RequestFailedException e) when (TableConsentRegister.IsConflict(e))
        {
            return (null, ChangedMeanwhile());
        }
    }

    /// <summary>Who changed the register, for its history: the signed-in caller when authentication is in front.</summary>
    private static string ChangedBy(ApiRequest request) =>
        request.Principal?.Trim() is { Length: > 0 } principal
            ? $"api ({(principal.Length > 256 ? principal[..256] : principal)})"
            : "api (function key)";

    private ApiResult Refused(string operation, ApiErrors errors, string detail)
    {
        LogRefused(operation, errors.Count);
        return errors.Result(Invalid, detail);
    }

    private static ApiResult NoRecord(string school, string subject) =>
        new ApiResult.Problem(404, "Not found", $"{school} has no consent record for {subject}.");

    private static ApiResult ChangedMeanwhile() =>
        new ApiResult.Problem(409, "The record has changed", "The record was changed by someone else at the same time; nothing of this request was written. Try again.");

    private static ApiResult UnsupportedMediaType(string expected) =>
        new ApiResult.Problem(415, "Unsupported media type", $"Send the body as {expected}.");

    private static ApiResult TooLarge(int limit) =>
        new ApiResult.Problem(413, "Body too large", $"The body is larger than {limit / 1024} KiB.");

    /// <summary>Input echoed in a message, cut short.</summary>
    private static string Shown(string? value) => value is null ? string.Empty : value.Length > 64 ? value[..64] + "…" : value;

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemKeyPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {School} {SubjectId} written through the API, now version {Version}")]
    private partial void LogConsentWritten(string school, string subjectId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent import for {School} through the API: {Added} added, {Changed} changed, {Unchanged} unchanged, {Warnings} withdrawal(s) kept")]
    private partial void LogImported(string school, int added, int changed, int unchanged, int warnings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {School} from {From} to {To} exported: {Decisions} decision(s)")]
    private partial void LogAuditExported(string school, DateOnly from, DateOnly to, int decisions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} refused: {Errors} validation error(s)")]
    private partial void LogRefused(string operation, int errors);
}

/// <summary>Validation errors by field (or CSV line and field), in the order found.</summary>
internal sealed class ApiErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Values.Sum(m => m.Count);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public ApiResult Result(string title, string detail) =>
        new ApiResult.Problem(400, title, detail, _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
