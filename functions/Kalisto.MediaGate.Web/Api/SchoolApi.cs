using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Lifecycle;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// The HTTP API of one school (README "HTTP API"): its consent register, its review list and its audit trail,
/// the same handlers whichever host serves them (the Functions app's HTTP triggers, <c>mediagate serve</c>).
/// Checks every input and answers bad input with RFC 9457 problem details, never an exception; register
/// changes go through <see cref="ConsentChanges"/> (history kept, re-screens queued). Storage errors propagate.
/// Logs school, subject IDs and counts, never display names.
/// </summary>
public sealed partial class SchoolApi(
    TableConsentRegister register,
    ConsentChanges changes,
    ItemCatalog catalog,
    AuditExport audit,
    PublishedCopies published,
    ItemRescreening rescreening,
    ConsentOptions options,
    TimeProvider clock,
    ILogger<SchoolApi> logger)
{
    /// <summary>The largest JSON body read (a consent record is well under 1 KiB).</summary>
    public const int MaxJsonBytes = 64 * 1024;

    /// <summary>The largest CSV body read (a school's register of thousands of rows is well under 1 MiB).</summary>
    public const int MaxCsvBytes = 16 * 1024 * 1024;

    /// <summary>The items of a listing's page when the request names no page size, and the most it may name.</summary>
    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 1000;

    /// <summary>
    /// The most items one zip holds: their keys travel in the query string (<c>key=</c> 37 characters each), and 100
    /// keep the address under the 4 KiB the Functions host takes.
    /// </summary>
    public const int MaxZipItems = 100;

    /// <summary>The item states a listing can ask for; the review list is <c>quarantined</c>.</summary>
    public static readonly IReadOnlyList<string> States = ["approved", "quarantined", "redacted", "screening"];

    /// <summary>The trigger the audit trail shows for a re-screen someone asked for.</summary>
    public const string RescreenTrigger = "rescreen-request";

    private const string Invalid = "The request is not valid.";

    public async Task<Results<Ok<ConsentResource>, ValidationProblem, ProblemHttpResult>> GetConsentAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("GetConsent", errors, "The address names no valid school and subject.");
        }

        var record = await register.GetAsync(code, subject, cancellationToken);
        return record is null ? NoRecord(code, subject) : TypedResults.Ok(ConsentResource.From(record));
    }

    /// <summary>Adds or replaces the whole record (as a CSV row does), validated with the CSV import's rules.</summary>
    public async Task<Results<Ok<ConsentResource>, ValidationProblem, ProblemHttpResult>> PutConsentAsync(string school, string subjectId, HttpRequest request, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("PutConsent", errors, "The address names no valid school and subject.");
        }

        var (body, problem) = await RequestBody.ReadJsonAsync<ConsentRequest>(request, MaxJsonBytes, required: true, errors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var fields = body?.Fields(code, subject, errors);
        var record = errors.Any || fields is null ? null : ConsentFields.Parse(fields, options, errors.Add);
        if (record is null)
        {
            return Refused("PutConsent", errors, body is null ? RequestBody.Unreadable : "The consent record is not valid; nothing was changed.");
        }

        ConsentWrite write;
        try
        {
            // One conditional operation: If-Match on the row whose version matched (or on the row read).
            write = await changes.PutAsync(record, body!.Version, ChangedBy(caller), cancellationToken);
        }
        catch (RequestFailedException e) when (TableConsentRegister.IsConflict(e))
        {
            return ChangedMeanwhile();
        }

        if (write.Outcome == ConsentWriteOutcome.StaleVersion)
        {
            return TypedResults.Problem(
                write.Record is not { } current
                    ? $"{code} has no consent record for {subject}, so there is no version {body.Version} to replace."
                    : $"The record is at version {current.Version}, not {body.Version}: read it again and decide on the change; nothing was changed.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The record has changed");
        }

        var stored = write.Record!;
        LogConsentWritten(code, subject, stored.Version);
        return TypedResults.Ok(ConsentResource.From(stored, write.Warning));
    }

    /// <summary>Withdraws a consent from <c>withdrawn_on</c> in the body, or from today when there is no body.</summary>
    public async Task<Results<Ok<ConsentResource>, ValidationProblem, ProblemHttpResult>> WithdrawConsentAsync(string school, string subjectId, HttpRequest request, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("WithdrawConsent", errors, "The address names no valid school and subject.");
        }

        var (body, problem) = await RequestBody.ReadJsonAsync<WithdrawalRequest>(request, MaxJsonBytes, required: false, errors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var unreadable = errors.Any;
        var on = body?.WithdrawnOn is { } text ? ConsentFields.Date(text.Trim(), "withdrawn_on", required: false, errors.Add) : null;
        if (errors.Any)
        {
            return Refused("WithdrawConsent", errors, unreadable ? RequestBody.Unreadable : "The withdrawal is not valid; nothing was changed.");
        }

        ConsentWrite write;
        try
        {
            write = await changes.WithdrawAsync(code, subject, on, ChangedBy(caller), cancellationToken);
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
        return write.Record is { } record ? TypedResults.Ok(ConsentResource.From(record)) : NoRecord(code, subject);
    }

    /// <summary>
    /// Imports a CSV of the school's register (SPEC §4): all or nothing, every error with its line and field.
    /// ',' or ';' between columns, UTF-8 or Windows-1252; the answer says which, and which columns it ignored.
    /// </summary>
    public async Task<Results<Ok<ImportResource>, ValidationProblem, ProblemHttpResult>> ImportConsentAsync(string school, HttpRequest request, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ApiErrors();
        var code = School(school, errors);
        if (errors.Any)
        {
            return Refused("ImportConsent", errors, "The address names no valid school.");
        }

        if (!RequestBody.IsUnlabelledOr(request, "text/csv"))
        {
            return RequestBody.UnsupportedMediaType("text/csv");
        }

        var bytes = await RequestBody.ReadAsync(request.Body, MaxCsvBytes, cancellationToken);
        if (bytes is null)
        {
            return RequestBody.TooLarge(MaxCsvBytes);
        }

        var csv = ConsentCsv.Read(bytes, options, code);
        foreach (var error in csv.Errors)
        {
            errors.Add(error.Field is null ? $"line {error.Line}" : $"line {error.Line}, {error.Field}", error.Message);
        }

        if (!csv.IsValid)
        {
            return Refused("ImportConsent", errors, $"The CSV has {csv.Errors.Count} error(s); nothing was imported.");
        }

        ImportSummary summary;
        try
        {
            summary = await changes.ImportAsync(csv.Records, ChangedBy(caller), cancellationToken);
        }
        catch (RequestFailedException e) when (TableConsentRegister.IsConflict(e))
        {
            return ChangedMeanwhile();
        }

        LogImported(code, summary.Added, summary.Changed, summary.Unchanged, summary.Warnings.Count);
        return TypedResults.Ok(ImportResource.From(summary, csv));
    }

    /// <summary>The permission a listing of <paramref name="state"/> needs: the quarantine (and what is being screened) is the review list.</summary>
    public static Permission ListPermission(string? state) =>
        (string.IsNullOrWhiteSpace(state) ? "quarantined" : state.Trim().ToLowerInvariant()) is "approved" or "redacted"
            ? Permission.ReadItems
            : Permission.ReadQuarantine;

    /// <summary>
    /// One page of the school's items in one state (without a state the review list, quarantined), optionally only
    /// those published on <paramref name="channel"/>, sorted by path within the page; <c>next</c> asks for the next page.
    /// </summary>
    public async Task<Results<Ok<ItemPageResource>, ValidationProblem>> ListItemsAsync(
        string school, string? state, string? channel, string? pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var wanted = string.IsNullOrWhiteSpace(state) ? "quarantined" : state.Trim().ToLowerInvariant();
        if (!States.Contains(wanted))
        {
            errors.Add("state", $"'{Shown(state)}' is not a state; expected {string.Join(", ", States)}");
        }

        var onChannel = string.IsNullOrWhiteSpace(channel) ? null : channel.Trim().ToLowerInvariant();
        if (onChannel is not null && !options.ChannelSet().Contains(onChannel))
        {
            errors.Add("channel", $"unknown channel '{Shown(channel)}' (known: {string.Join(", ", options.ChannelSet())})");
        }

        var size = DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(pageSize) && (!int.TryParse(pageSize.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            errors.Add("page_size", $"'{Shown(pageSize)}' is not a page size from 1 to {MaxPageSize}");
        }

        var token = string.IsNullOrWhiteSpace(continuation) ? null : ApiJson.FromContinuation(continuation.Trim());
        if (!string.IsNullOrWhiteSpace(continuation) && token is null)
        {
            errors.Add("continuation", "is not the next of an earlier page of this listing");
        }

        if (errors.Any)
        {
            return Refused("ListItems", errors, "The listing cannot be made.");
        }

        IReadOnlyList<ItemState> items;
        string? next;
        try
        {
            (items, next) = await catalog.PageAsync(code, wanted, token, size, cancellationToken);
        }
        catch (ArgumentException)
        {
            errors.Add("continuation", "is not the next of an earlier page of this school's listing");
            return Refused("ListItems", errors, "The listing cannot be made.");
        }

        var shown = items
            .Where(i => onChannel is null || i.Channels.Contains(onChannel, StringComparer.Ordinal))
            .OrderBy(i => i.Location, StringComparer.Ordinal).ThenBy(i => i.ItemId, StringComparer.Ordinal)
            .Select(ItemResource.From)
            .ToList();
        return TypedResults.Ok(new ItemPageResource(shown, next is null ? null : ApiJson.ToContinuation(next)));
    }

    /// <summary>Every decision about one item, oldest first.</summary>
    public async Task<Results<Ok<ItemAuditResource>, ValidationProblem, ProblemHttpResult>> ItemAuditAsync(string school, string itemKey, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var key = Key(itemKey, errors);
        if (errors.Any)
        {
            return Refused("ItemAudit", errors, "The address names no valid school and item.");
        }

        var item = (await catalog.GetAsync(code, key, cancellationToken))?.State;
        if (item is null)
        {
            return NotFound($"{code} has no item {key}.");
        }

        var trail = await catalog.TrailAsync(code, key, cancellationToken);
        return TypedResults.Ok(new ItemAuditResource(item.Key, item.Location, item.StateName, [.. trail.Select(DecisionResource.From)]));
    }

    /// <summary>
    /// The school's decisions from the start of <paramref name="from"/> to the end of <paramref name="to"/>
    /// (days in the configured time zone) as the audit CSV.
    /// </summary>
    public async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAuditAsync(string school, string? from, string? to, CancellationToken cancellationToken)
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
        return TypedResults.File(
            new UTF8Encoding(false).GetBytes(text.ToString()),
            "text/csv; charset=utf-8",
            $"audit-{code}-{ConsentFields.Format(first.Value)}-{ConsentFields.Format(last.Value)}.csv");
    }

    /// <summary>
    /// The school's register, by subject ID; with <paramref name="search"/> only the records whose subject ID or
    /// display name contains it (case and accents ignored).
    /// </summary>
    public async Task<Results<Ok<List<ConsentResource>>, ValidationProblem>> ListConsentAsync(string school, string? search, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var wanted = Searchable(search);
        if (wanted.Length > 100)
        {
            errors.Add("q", "is longer than 100 characters");
        }

        if (errors.Any)
        {
            return Refused("ListConsent", errors, "The register cannot be listed.");
        }

        var records = await register.GetSchoolAsync(code, cancellationToken);
        return TypedResults.Ok(records
            .Where(r => wanted.Length == 0 || Searchable(r.SubjectId).Contains(wanted, StringComparison.Ordinal) || Searchable(r.DisplayName).Contains(wanted, StringComparison.Ordinal))
            .OrderBy(r => r.SubjectId, StringComparer.Ordinal)
            .Select(r => ConsentResource.From(r))
            .ToList());
    }

    /// <summary>Every change of one record, oldest first: who, when, what it was before and after.</summary>
    public async Task<Results<Ok<List<ConsentChangeResource>>, ValidationProblem, ProblemHttpResult>> ConsentHistoryAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var (code, subject) = (School(school, errors), Subject(subjectId, errors));
        if (errors.Any)
        {
            return Refused("ConsentHistory", errors, "The address names no valid school and subject.");
        }

        var history = await register.HistoryAsync(code, subject, cancellationToken);
        return history.Count == 0
            ? NoRecord(code, subject)
            : TypedResults.Ok(history.OrderBy(c => c.ChangedAt).Select(ConsentChangeResource.From).ToList());
    }

    /// <summary>
    /// The publishable copy of an approved (or redacted and published) item for one channel, as the command line's
    /// <c>download</c> hands it out: only the item's own copy, only while its state publishes it on the channel, and
    /// not when a withdrawal changed the state while it was read.
    /// </summary>
    public async Task<Results<FileStreamHttpResult, ValidationProblem, ProblemHttpResult>> DownloadAsync(string school, string itemKey, string? channel, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var key = Key(itemKey, errors);
        var onChannel = DownloadChannel(channel, errors);
        if (errors.Any)
        {
            return Refused("Download", errors, "The download cannot be made.");
        }

        var (item, copy) = await PublishedCopyAsync(code, key, onChannel, cancellationToken);
        if (copy is null)
        {
            return NotFound(item is null ? $"{code} has no item {key}." : $"Item {key} is not published on {onChannel}.");
        }

        var file = ItemMoves.TemporaryFile();
        try
        {
            if (await published.DownloadAsync(copy, onChannel, file, cancellationToken) is null)
            {
                await file.DisposeAsync();
                return TypedResults.Problem($"Item {key} changed while it was read (its consent, say); it is not handed out. Look at its state again.", statusCode: StatusCodes.Status409Conflict, title: "The item has changed");
            }

            file.Position = 0;
            LogDownloaded(code, key, onChannel);
            return TypedResults.Stream(file, item!.ContentType, copy.Name[(copy.Name.LastIndexOf('/') + 1)..]);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Several items' publishable copies for one channel in one zip (<see cref="ItemsZipResult"/>): each entry is what
    /// <see cref="DownloadAsync"/> hands out for that item and channel, under the item's path without the school.
    /// All or nothing: a malformed key, more than <see cref="MaxZipItems"/> keys or none is 400; a key that is no item
    /// of the school or not published on the channel is 404 naming the keys, and nothing is handed out. A key asked for
    /// twice is one entry.
    /// </summary>
    public async Task<Results<ItemsZipResult, ValidationProblem, ProblemHttpResult>> DownloadZipAsync(string school, IReadOnlyList<string?> itemKeys, string? channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(itemKeys);
        var errors = new ApiErrors();
        var code = School(school, errors);
        var onChannel = DownloadChannel(channel, errors);
        var keys = new List<string>();
        if (itemKeys.Count == 0)
        {
            errors.Add("key", "is required: one key= for each item_key to put in the zip");
        }
        else if (itemKeys.Count > MaxZipItems)
        {
            errors.Add("key", $"{itemKeys.Count} keys asked for; at most {MaxZipItems} go in one zip");
        }
        else
        {
            foreach (var value in itemKeys)
            {
                var key = (value ?? string.Empty).Trim().ToLowerInvariant();
                if (!ItemKeyPattern().IsMatch(key))
                {
                    errors.Add("key", $"'{Shown(value)}' is not an item key (32 hexadecimal digits, the item_key of a listing)");
                }
                else if (!keys.Contains(key, StringComparer.Ordinal))
                {
                    keys.Add(key);
                }
            }
        }

        if (errors.Any)
        {
            return Refused("DownloadZip", errors, "The zip cannot be made.");
        }

        var copies = new List<PublishedCopy>();
        var (unknown, unpublished) = (new List<string>(), new List<string>());
        foreach (var key in keys)
        {
            var (item, copy) = await PublishedCopyAsync(code, key, onChannel, cancellationToken);
            if (copy is not null)
            {
                copies.Add(copy);
            }
            else
            {
                (item is null ? unknown : unpublished).Add(key);
            }
        }

        if (unknown.Count + unpublished.Count > 0)
        {
            var detail = new StringBuilder();
            if (unknown.Count > 0)
            {
                detail.Append(CultureInfo.InvariantCulture, $"{code} has no item {string.Join(", ", unknown)}. ");
            }

            if (unpublished.Count > 0)
            {
                detail.Append(CultureInfo.InvariantCulture, $"Not published on {onChannel}: {string.Join(", ", unpublished)}. ");
            }

            LogZipRefused(code, onChannel, unknown.Count + unpublished.Count);
            return NotFound(detail.Append("Nothing was handed out; take those out of the selection.").ToString());
        }

        var today = ConsentFields.Format(options.Today(clock.GetUtcNow()));
        return new ItemsZipResult(
            [.. copies.OrderBy(c => c.Name, StringComparer.Ordinal)],
            onChannel,
            $"{code}-{onChannel}-{today}.zip",
            published,
            (count, changed) => LogZipDownloaded(code, onChannel, count, changed));
    }

    /// <summary>Screens one item again now, against the register as it is (after a correction, say); answers its state afterwards.</summary>
    public async Task<Results<Ok<ItemResource>, ValidationProblem, ProblemHttpResult>> RescreenItemAsync(string school, string itemKey, CancellationToken cancellationToken)
    {
        var errors = new ApiErrors();
        var code = School(school, errors);
        var key = Key(itemKey, errors);
        if (errors.Any)
        {
            return Refused("RescreenItem", errors, "The address names no valid school and item.");
        }

        if (await catalog.GetAsync(code, key, cancellationToken) is null)
        {
            return NotFound($"{code} has no item {key}.");
        }

        var changed = await rescreening.SettleAsync(code, [key], RescreenTrigger, cancellationToken);
        var now = (await catalog.GetAsync(code, key, cancellationToken))?.State;
        LogRescreenRequested(code, key, changed);
        return now is null ? NotFound($"{code} has no item {key}.") : TypedResults.Ok(ItemResource.From(now));
    }

    /// <summary>The channel of a download (lower case), noting an error when it is missing or unknown.</summary>
    private string DownloadChannel(string? channel, ApiErrors errors)
    {
        var onChannel = channel?.Trim().ToLowerInvariant() ?? string.Empty;
        if (!options.ChannelSet().Contains(onChannel))
        {
            errors.Add("channel", onChannel.Length == 0
                ? $"is required: the channel the copy is for (known: {string.Join(", ", options.ChannelSet())})"
                : $"unknown channel '{Shown(channel)}' (known: {string.Join(", ", options.ChannelSet())})");
        }

        return onChannel;
    }

    /// <summary>The item and its own copy published on <paramref name="channel"/>: no item, or no copy when it is not published there.</summary>
    private async Task<(ItemState? Item, PublishedCopy? Copy)> PublishedCopyAsync(string code, string key, string channel, CancellationToken cancellationToken)
    {
        var item = (await catalog.GetAsync(code, key, cancellationToken))?.State;
        return (item, item is null ? null : await published.FindAsync(item, channel, cancellationToken));
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

    /// <summary>The school code of an address (normalised), noting an error when it is none; every handler checks it so.</summary>
    internal static string School(string? value, ApiErrors errors)
    {
        var code = ConsentFields.NormaliseSchool(value);
        if (!ConsentFields.IsSchoolCode(code))
        {
            errors.Add("school", $"'{Shown(value)}' is not a school code (lower-case letters, digits and '-')");
        }

        return code;
    }

    /// <summary>The item key of an address (lower case), noting an error when it is none.</summary>
    internal static string Key(string? value, ApiErrors errors)
    {
        var key = (value ?? string.Empty).Trim().ToLowerInvariant();
        if (!ItemKeyPattern().IsMatch(key))
        {
            errors.Add("item_key", $"'{Shown(value)}' is not an item key (32 hexadecimal digits, the item_key of a listing)");
        }

        return key;
    }

    /// <summary>Text as a search compares it: Unicode-normalised, accents and case folded.</summary>
    private static string Searchable(string? value) =>
        string.Concat((value ?? string.Empty).Trim().Normalize(NormalizationForm.FormD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark))
            .ToUpperInvariant();

    private string Subject(string? value, ApiErrors errors)
    {
        var subject = (value ?? string.Empty).Trim().ToUpperInvariant();
        if (!options.SubjectIdRegex().IsMatch(subject))
        {
            errors.Add("subject_id", $"'{Shown(value)}' does not match the subject ID pattern {options.SubjectIdPattern}");
        }

        return subject;
    }

    /// <summary>Who changed the register, for its history: the signed-in user (name and ID), cut short.</summary>
    private static string ChangedBy(MediaGateCaller caller) =>
        caller.ChangedBy is { Length: > 256 } text ? text[..256] : caller.ChangedBy;

    private ValidationProblem Refused(string operation, ApiErrors errors, string detail)
    {
        LogRefused(operation, errors.Count);
        return errors.Result(Invalid, detail);
    }

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult NoRecord(string school, string subject) => NotFound($"{school} has no consent record for {subject}.");

    private static ProblemHttpResult ChangedMeanwhile() =>
        TypedResults.Problem(
            "The record was changed by someone else at the same time; nothing of this request was written. Try again.",
            statusCode: StatusCodes.Status409Conflict,
            title: "The record has changed");

    /// <summary>Input echoed in a message, cut short.</summary>
    internal static string Shown(string? value) => value is null ? string.Empty : value.Length > 64 ? value[..64] + "…" : value;

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemKeyPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {School} {SubjectId} written through the API, now version {Version}")]
    private partial void LogConsentWritten(string school, string subjectId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent import for {School} through the API: {Added} added, {Changed} changed, {Unchanged} unchanged, {Warnings} withdrawal(s) kept")]
    private partial void LogImported(string school, int added, int changed, int unchanged, int warnings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {School} from {From} to {To} exported: {Decisions} decision(s)")]
    private partial void LogAuditExported(string school, DateOnly from, DateOnly to, int decisions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Item {ItemKey} of {School} downloaded for {Channel}")]
    private partial void LogDownloaded(string school, string itemKey, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zip of {Count} item(s) of {School} for {Channel} handed out; {Changed} changed while read")]
    private partial void LogZipDownloaded(string school, string channel, int count, int changed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zip of {School} for {Channel} refused: {Keys} key(s) not published there")]
    private partial void LogZipRefused(string school, string channel, int keys);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-screen of item {ItemKey} of {School} asked for: {Changed} decision(s) recorded")]
    private partial void LogRescreenRequested(string school, string itemKey, int changed);

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

    /// <summary>Validation problem details (status 400) with every error found.</summary>
    public ValidationProblem Result(string title, string detail) =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), detail, title: title);
}
