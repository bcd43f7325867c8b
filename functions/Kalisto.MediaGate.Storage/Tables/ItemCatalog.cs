using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>The current state of an item, as <c>mediagate items</c>, the API and re-screening see it.</summary>
public sealed record ItemState
{
    public required string School { get; init; }

    /// <summary>Fixed at the first screening of the upload (<see cref="ItemKey.For"/>); carried by every copy.</summary>
    public required string ItemId { get; init; }

    /// <summary><c>{school}/{relative path}</c> of its copy in <c>approved</c> or <c>quarantine</c>.</summary>
    public required string Location { get; init; }

    public required string UploadPath { get; init; }

    /// <summary>The ETag of the upload version this item is.</summary>
    public required string SourceETag { get; init; }

    /// <summary>Tags read and indexed, not decided yet.</summary>
    public bool Screening { get; init; }

    /// <summary>
    /// The copies were confirmed to match this state, by a write conditional on it, after its last change:
    /// a re-screen that decides the same needs to do nothing else.
    /// </summary>
    public bool Converged { get; init; }

    public required Outcome Outcome { get; init; }

    /// <summary>Counts the decisions recorded for this item.</summary>
    public long Generation { get; init; }

    /// <summary>Redacted, but the derivative is not in <c>approved</c> yet.</summary>
    public bool RedactionPending { get; init; }

    /// <summary>The decision that asked for the current redacted derivative (the derivative carries it).</summary>
    public string RedactionKey { get; init; } = string.Empty;

    /// <summary>The face regions the derivative hides.</summary>
    public IReadOnlyList<FaceRegion> Redactions { get; init; } = [];

    public required IReadOnlyList<string> Subjects { get; init; }

    public IReadOnlyList<string> RedactedSubjects { get; init; } = [];

    public required IReadOnlyList<string> Channels { get; init; }

    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>The tags that decisions use (persons, subject-ID keywords, the no-people marker, problems).</summary>
    public required TagReadResult Tags { get; init; }

    public IReadOnlyDictionary<string, long> ConsentVersions { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// What the face detector found in the item's pixels (boxes only), once it has looked: a fact of the upload, kept for
    /// every later decision; null before (or for media it does not look at).
    /// </summary>
    public FaceScan? Faces { get; init; }

    /// <summary>The faces held against the tags by the current decision (<see cref="ScreeningDecision.Faces"/>).</summary>
    public FaceCheck? FaceCheck { get; init; }

    /// <summary>Tags read, its faces not looked at yet, and the tags alone would publish it: it waits for the face detection.</summary>
    public bool AwaitsFaces => Screening && Faces is null;

    public string ContentType { get; init; } = "application/octet-stream";

    public required DateTimeOffset DecidedAt { get; init; }

    public string Key => ItemId;

    /// <summary>The key of the decision that set this state.</summary>
    public string DecisionKey => ItemKey.DecisionRow(ItemId, Generation);

    public string StateName => Screening ? "screening" : ScreeningMetrics.OutcomeName(Outcome);
}

/// <summary>An item's state with the ETag of its row, for a write conditional on what was read.</summary>
public sealed record ItemRead(ItemState State, ETag ETag);

/// <summary>One row of the audit trail.</summary>
public sealed record DecisionRecord(string School, string ItemKey, string Location, string Trigger, string Key, string SourceETag, ScreeningDecision Decision);

/// <summary>
/// Items, their decisions (the append-only audit trail) and the subject → item index, in one table
/// partitioned by school (SPEC §8). A decision is recorded in the same entity-group transaction as the
/// state it leads to, with If-Match on the state row that was read, and the index rows with them.
/// </summary>
public sealed class ItemCatalog(MediaStorage storage)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Entity-group transactions take at most 100 actions.</summary>
    private const int MaxActions = 100;

    /// <summary>
    /// Adds the row of an item that is being screened, with its index rows, before its decision reads the
    /// register: any consent change committed after that read finds the item (SPEC §7).
    /// </summary>
    /// <returns>The new row's ETag, or null when the item is there already (an earlier delivery).</returns>
    public async Task<ETag?> TryCreateAsync(ItemState item, IEnumerable<string> indexKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var index = IndexActions(item, indexKeys).ToList();
        var first = index.Take(MaxActions - 1).Prepend(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(item))).ToList();
        ETag etag;
        try
        {
            var response = await storage.Items.SubmitTransactionAsync(first, cancellationToken);
            etag = response.Value[0].Headers.ETag ?? (await GetAsync(item.School, item.ItemId, cancellationToken))!.ETag;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        foreach (var chunk in index.Skip(MaxActions - 1).Chunk(MaxActions))
        {
            await storage.Items.SubmitTransactionAsync(chunk, cancellationToken);
        }

        return etag;
    }

    /// <summary>
    /// Records a decision and the state it leads to, in one transaction, conditional on the state row
    /// being as it was read (<paramref name="expected"/>). The state's <see cref="ItemState.Generation"/> is
    /// the decision's number.
    /// </summary>
    /// <returns>The state row's new ETag, or null when the row changed since it was read (decide again).</returns>
    public async Task<ETag?> CommitAsync(ItemState next, ETag expected, string trigger, ScreeningDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(decision);
        var keys = decision.Subjects.Concat(decision.Reasons.Select(r => r.Subject).OfType<string>());
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, ToEntity(next), expected),
            new(TableTransactionActionType.Add, ToEntity(next, trigger, decision)),
        };
        actions.AddRange(IndexActions(next, keys).Take(MaxActions - actions.Count));
        try
        {
            var response = await storage.Items.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value[0].Headers.ETag ?? (await GetAsync(next.School, next.ItemId, cancellationToken))?.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Replaces an item's state without a new decision (its copy moved to another name), conditional on <paramref name="expected"/>.</summary>
    /// <returns>The new ETag, or null when the row changed since it was read.</returns>
    public async Task<ETag?> UpdateAsync(ItemState item, ETag expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            var response = await storage.Items.UpdateEntityAsync(ToEntity(item), expected, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<ItemRead?> GetAsync(string school, string itemId, CancellationToken cancellationToken)
    {
        var row = await storage.Items.GetEntityIfExistsAsync<ItemEntity>(school, ItemKey.ItemRow(itemId), cancellationToken: cancellationToken);
        return row.HasValue ? new ItemRead(FromEntity(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>Every item, or every item of one school, ordered by location.</summary>
    public async Task<IReadOnlyList<ItemState>> ListAsync(string? school, CancellationToken cancellationToken)
    {
        var (from, to) = (ItemKey.ItemPrefix, ItemKey.After(ItemKey.ItemPrefix));
        var filter = school is null
            ? TableClient.CreateQueryFilter($"RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to}");
        var items = new List<ItemState>();
        await foreach (var row in storage.Items.QueryAsync<ItemEntity>(filter, cancellationToken: cancellationToken))
        {
            items.Add(FromEntity(row));
        }

        return [.. items.OrderBy(i => i.Location, StringComparer.Ordinal).ThenBy(i => i.ItemId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// One page of a school's items, optionally of one state (<see cref="ItemState.StateName"/>), in the catalog's
    /// order (by item key), and the continuation of the next page (null after the last). A page holds at most
    /// <paramref name="pageSize"/> items and may hold fewer before the last. The continuation is the school's code
    /// before the table's own: the table's is opaque (the service encodes the next keys its own way, so the
    /// school cannot be read from it), and one of another school's listing, or not of this form, is refused
    /// (<see cref="ArgumentException"/>). The query names the school's partition, so a page never leaves it.
    /// </summary>
    public async Task<(IReadOnlyList<ItemState> Items, string? Next)> PageAsync(
        string school, string? stateName, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(school);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        // The table's continuation is "<next partition key> <next row key>", each as the service encodes it.
        if (continuation is not null && (continuation.Split(' ') is not [var owner, var partition, var row] || owner != school || partition.Length == 0 || row.Length == 0))
        {
            throw new ArgumentException("The continuation is not one of this school's item listings.", nameof(continuation));
        }

        var tableContinuation = continuation?[(school.Length + 1)..];

        var (from, to) = (ItemKey.ItemPrefix, ItemKey.After(ItemKey.ItemPrefix));
        var filter = stateName is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to} and State eq {stateName}");
        var pages = storage.Items.QueryAsync<ItemEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(tableContinuation, pageSize);
        try
        {
            await foreach (var page in pages)
            {
                return ([.. page.Values.Select(FromEntity)], string.IsNullOrEmpty(page.ContinuationToken) ? null : school + " " + page.ContinuationToken);
            }
        }
        catch (RequestFailedException e) when (continuation is not null && e.Status == 400)
        {
            // Next keys the service cannot read: made up, not handed out.
            throw new ArgumentException("The continuation is not one of this school's item listings.", nameof(continuation), e);
        }

        return ([], null);
    }

    /// <summary>
    /// The items of one school decided at or after <paramref name="since"/> whose upload path is one of
    /// <paramref name="uploadPaths"/>. One query over the school's item rows: the catalog has no index by upload
    /// path, and the filter on <c>DecidedAt</c> (which only grows) leaves out every item decided before then.
    /// </summary>
    public async Task<IReadOnlyList<ItemState>> UploadedSinceAsync(string school, DateTimeOffset since, IReadOnlySet<string> uploadPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploadPaths);
        var (from, to) = (ItemKey.ItemPrefix, ItemKey.After(ItemKey.ItemPrefix));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to} and DecidedAt ge {since}");
        var items = new List<ItemState>();
        await foreach (var row in storage.Items.QueryAsync<ItemEntity>(filter, cancellationToken: cancellationToken))
        {
            if (uploadPaths.Contains(row.UploadPath))
            {
                items.Add(FromEntity(row));
            }
        }

        return items;
    }

    /// <summary>
    /// When the item was first seen: the start of its screening (no decision yet) or its first decision, which a
    /// later decision's <see cref="ItemState.DecidedAt"/> replaces in the state row but never in the audit trail.
    /// </summary>
    public async Task<DateTimeOffset> FirstSeenAsync(ItemState item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Generation <= 1)
        {
            return item.DecidedAt;
        }

        var first = await storage.Items.GetEntityIfExistsAsync<DecisionEntity>(item.School, ItemKey.DecisionRow(item.ItemId, 1), ["DecidedAt"], cancellationToken);
        return first.HasValue ? first.Value!.DecidedAt : item.DecidedAt;
    }

    /// <summary>IDs of the items in which a subject was found (resolved, named by an unknown ID, or by a name key).</summary>
    public async Task<IReadOnlyList<string>> ItemsOfSubjectAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var from = ItemKey.SubjectRow(subjectId, string.Empty);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {ItemKey.After(from)}");
        var keys = new List<string>();
        await foreach (var row in storage.Items.QueryAsync<SubjectItemEntity>(filter, select: ["ItemKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.ItemKey);
        }

        return keys;
    }

    /// <summary>Every decision about one item, oldest first.</summary>
    public async Task<IReadOnlyList<DecisionRecord>> TrailAsync(string school, string itemId, CancellationToken cancellationToken)
    {
        var from = ItemKey.DecisionPrefix + itemId + "|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {ItemKey.After(from)}");
        return await ReadDecisionsAsync(filter, cancellationToken);
    }

    /// <summary>Every decision made in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<DecisionRecord>> DecisionsBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (first, last) = (ItemKey.DecisionPrefix, ItemKey.After(ItemKey.DecisionPrefix));
        var filter = TableClient.CreateQueryFilter($"RowKey ge {first} and RowKey lt {last} and DecidedAt ge {from} and DecidedAt lt {to}");
        return await ReadDecisionsAsync(filter, cancellationToken);
    }

    /// <summary>
    /// The index key of a person's name, for items whose person tags named someone not (yet) in the
    /// register: a late record with that display name finds them. A hash, so no name is in a key.
    /// </summary>
    public static string NameKey(string name) =>
        "name-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Subjects.SubjectResolver.NormaliseName(name))))[..24];

    private async Task<IReadOnlyList<DecisionRecord>> ReadDecisionsAsync(string filter, CancellationToken cancellationToken)
    {
        var decisions = new List<DecisionRecord>();
        await foreach (var row in storage.Items.QueryAsync<DecisionEntity>(filter, cancellationToken: cancellationToken))
        {
            decisions.Add(new DecisionRecord(row.PartitionKey, row.ItemKey, row.Location, row.Trigger, row.RowKey, row.SourceETag, new ScreeningDecision
            {
                Outcome = ParseOutcome(row.Outcome),
                Subjects = Split(row.Subjects),
                RedactedSubjects = Split(row.RedactedSubjects),
                Channels = Split(row.Channels),
                Reasons = Deserialize<List<Reason>>(row.Reasons),
                DecidedAt = row.DecidedAt,
                ConsentVersions = Deserialize<Dictionary<string, long>>(row.ConsentVersions),
                Faces = string.IsNullOrEmpty(row.Faces) ? null : Deserialize<FaceCheck>(row.Faces),
            }));
        }

        return [.. decisions.OrderBy(d => d.Decision.DecidedAt).ThenBy(d => d.Key, StringComparer.Ordinal)];
    }

    private static IEnumerable<TableTransactionAction> IndexActions(ItemState item, IEnumerable<string> keys) =>
        keys.Distinct(StringComparer.Ordinal).Select(subject => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new SubjectItemEntity
        {
            PartitionKey = item.School,
            RowKey = ItemKey.SubjectRow(subject, item.ItemId),
            SubjectId = subject,
            ItemKey = item.ItemId,
        }));

    private static DecisionEntity ToEntity(ItemState item, string trigger, ScreeningDecision decision) => new()
    {
        PartitionKey = item.School,
        RowKey = item.DecisionKey,
        ItemKey = item.ItemId,
        Generation = item.Generation,
        Location = item.Location,
        Trigger = trigger,
        Outcome = ScreeningMetrics.OutcomeName(decision.Outcome),
        Subjects = Join(decision.Subjects),
        RedactedSubjects = Join(decision.RedactedSubjects),
        Channels = Join(decision.Channels),
        // The audit trail names reasons by code and subject ID only (SPEC §5): which tags gave a reason, and
        // the values as tagged (names a teacher typed), are not kept in it, nor exported from it.
        Reasons = JsonSerializer.Serialize(decision.Reasons.Select(r => new AuditedReason(r.Code, r.Subject)), Json),
        ConsentVersions = JsonSerializer.Serialize(decision.ConsentVersions, Json),
        // Counts and boxes only: nothing of a face but where it is.
        Faces = decision.Faces is null ? string.Empty : JsonSerializer.Serialize(decision.Faces, Json),
        DecidedAt = decision.DecidedAt,
        SourceETag = item.SourceETag,
    };

    private static ItemEntity ToEntity(ItemState item) => new()
    {
        PartitionKey = item.School,
        RowKey = ItemKey.ItemRow(item.ItemId),
        ItemId = item.ItemId,
        Location = item.Location,
        UploadPath = item.UploadPath,
        SourceETag = item.SourceETag,
        State = item.StateName,
        Converged = item.Converged,
        Generation = item.Generation,
        RedactionPending = item.RedactionPending,
        RedactionKey = item.RedactionKey,
        Redactions = JsonSerializer.Serialize(item.Redactions, Json),
        Subjects = Join(item.Subjects),
        RedactedSubjects = Join(item.RedactedSubjects),
        Channels = Join(item.Channels),
        // The state row keeps each reason's tags with the values as tagged, for the school to see what to fix
        // (mediagate items). It adds no personal data the row does not hold already: Tags below keeps every
        // person value as tagged, which re-screening needs. The row is replaced by each decision that changes
        // the outcome, channels or reasons; a re-screen that finds the same reasons leaves it (and so these
        // tags, like Subjects) as the decision that set it. Never logged, never in the audit trail.
        Reasons = JsonSerializer.Serialize(item.Reasons, Json),
        Tags = JsonSerializer.Serialize(item.Tags, Json),
        ConsentVersions = JsonSerializer.Serialize(item.ConsentVersions, Json),
        Faces = item.Faces is null ? string.Empty : JsonSerializer.Serialize(item.Faces, Json),
        FaceCheck = item.FaceCheck is null ? string.Empty : JsonSerializer.Serialize(item.FaceCheck, Json),
        ContentType = item.ContentType,
        DecidedAt = item.DecidedAt,
    };

    private static ItemState FromEntity(ItemEntity row) => new()
    {
        School = row.PartitionKey,
        ItemId = row.ItemId,
        Location = row.Location,
        UploadPath = row.UploadPath,
        SourceETag = row.SourceETag,
        Screening = row.State == "screening",
        Outcome = row.State == "screening" ? Outcome.Quarantined : ParseOutcome(row.State),
        Converged = row.Converged,
        Generation = row.Generation,
        RedactionPending = row.RedactionPending,
        RedactionKey = row.RedactionKey,
        Redactions = Deserialize<List<FaceRegion>>(row.Redactions),
        Subjects = Split(row.Subjects),
        RedactedSubjects = Split(row.RedactedSubjects),
        Channels = Split(row.Channels),
        Reasons = Deserialize<List<Reason>>(row.Reasons),
        Tags = Deserialize<TagReadResult>(row.Tags),
        ConsentVersions = Deserialize<Dictionary<string, long>>(row.ConsentVersions),
        Faces = string.IsNullOrEmpty(row.Faces) ? null : Deserialize<FaceScan>(row.Faces),
        FaceCheck = string.IsNullOrEmpty(row.FaceCheck) ? null : Deserialize<FaceCheck>(row.FaceCheck),
        ContentType = row.ContentType,
        DecidedAt = row.DecidedAt,
    };

    /// <summary>A reason as the audit trail keeps it: its code and subject ID.</summary>
    private sealed record AuditedReason(string Code, string? Subject);

    private static Outcome ParseOutcome(string value) => value switch
    {
        "approved" => Outcome.Approved,
        "redacted" => Outcome.Redacted,
        "quarantined" => Outcome.Quarantined,
        _ => throw new InvalidDataException($"Unknown outcome '{value}' in the item table."),
    };

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidDataException("An item row holds empty JSON.");

    private static string Join(IEnumerable<string> values) => string.Join(';', values);

    private static List<string> Split(string value) => [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries)];
}
