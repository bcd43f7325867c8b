using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>The current state of an item, as <c>mediagate items</c> and re-screening see it.</summary>
public sealed record ItemState
{
    public required string School { get; init; }

    /// <summary><c>{school}/{relative path}</c> in <c>approved</c> (publishable copy) and/or <c>quarantine</c>.</summary>
    public required string Location { get; init; }

    public required string UploadPath { get; init; }

    public required Outcome Outcome { get; init; }

    /// <summary>Redacted, but the derivative is not in <c>approved</c> yet.</summary>
    public bool RedactionPending { get; init; }

    public required IReadOnlyList<string> Subjects { get; init; }

    public IReadOnlyList<string> RedactedSubjects { get; init; } = [];

    public required IReadOnlyList<string> Channels { get; init; }

    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>The tags that decisions use (persons, subject-ID keywords, the no-people marker, problems).</summary>
    public required TagReadResult Tags { get; init; }

    public required string SourceETag { get; init; }

    public string ContentType { get; init; } = "application/octet-stream";

    public required DateTimeOffset DecidedAt { get; init; }

    public required string DecisionKey { get; init; }

    public string Key => ItemKey.For(Location);

    public string StateName => ScreeningMetrics.OutcomeName(Outcome);
}

/// <summary>One row of the audit trail.</summary>
public sealed record DecisionRecord(string School, string ItemKey, string Location, string Trigger, string Key, string SourceETag, ScreeningDecision Decision);

/// <summary>
/// Items, their decisions (the append-only audit trail) and the subject → item index, on Table Storage.
/// </summary>
public sealed class ItemCatalog(MediaStorage storage)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Records a decision and the state it leads to. Safe to repeat: the decision row's key is
    /// deterministic for its trigger, and a row already there is left as it is (never updated in place);
    /// the item row and index rows are replaced with the same values.
    /// </summary>
    /// <returns>False when the decision row was there already (recorded by an earlier or a concurrent delivery).</returns>
    public async Task<bool> RecordAsync(DecisionRecord decision, ItemState item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(item);
        // The decision first: a state is never recorded without the decision that led to it.
        var added = await AppendDecisionAsync(decision, cancellationToken);
        await Task.WhenAll(
            storage.Items.UpsertEntityAsync(ToEntity(item), TableUpdateMode.Replace, cancellationToken),
            IndexAsync(item, cancellationToken));
        return added;
    }

    /// <summary>Replaces an item's state without a new decision (for example when its redaction is published).</summary>
    public Task UpdateAsync(ItemState item, CancellationToken cancellationToken) =>
        storage.Items.UpsertEntityAsync(ToEntity(item), TableUpdateMode.Replace, cancellationToken);

    public async Task<ItemState?> GetAsync(string school, string itemKey, CancellationToken cancellationToken)
    {
        var row = await storage.Items.GetEntityIfExistsAsync<ItemEntity>(school, itemKey, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Every item, or every item of one school, ordered by location.</summary>
    public async Task<IReadOnlyList<ItemState>> ListAsync(string? school, CancellationToken cancellationToken)
    {
        var items = new List<ItemState>();
        var rows = school is null
            ? storage.Items.QueryAsync<ItemEntity>(cancellationToken: cancellationToken)
            : storage.Items.QueryAsync<ItemEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {school}"), cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            items.Add(FromEntity(row));
        }

        return [.. items.OrderBy(i => i.Location, StringComparer.Ordinal)];
    }

    /// <summary>Keys of the items in which a subject was found (resolved or named by an unknown ID).</summary>
    public async Task<IReadOnlyList<string>> ItemsOfSubjectAsync(string school, string subjectId, CancellationToken cancellationToken)
    {
        var from = SubjectItemEntity.Key(subjectId, string.Empty);
        var to = SubjectItemEntity.Key(subjectId, "~");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to}");
        var keys = new List<string>();
        await foreach (var row in storage.SubjectItems.QueryAsync<SubjectItemEntity>(filter, select: ["ItemKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.ItemKey);
        }

        return keys;
    }

    /// <summary>Every decision about one item, oldest first.</summary>
    public async Task<IReadOnlyList<DecisionRecord>> TrailAsync(string school, string itemKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey gt {itemKey + "|"} and RowKey lt {itemKey + "}"}");
        return await ReadDecisionsAsync(filter, cancellationToken);
    }

    /// <summary>Every decision made in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<DecisionRecord>> DecisionsBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"DecidedAt ge {from} and DecidedAt lt {to}");
        return await ReadDecisionsAsync(filter, cancellationToken);
    }

    private async Task<IReadOnlyList<DecisionRecord>> ReadDecisionsAsync(string filter, CancellationToken cancellationToken)
    {
        var decisions = new List<DecisionRecord>();
        await foreach (var row in storage.Decisions.QueryAsync<DecisionEntity>(filter, cancellationToken: cancellationToken))
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
            }));
        }

        return [.. decisions.OrderBy(d => d.Decision.DecidedAt).ThenBy(d => d.Key, StringComparer.Ordinal)];
    }

    private async Task<bool> AppendDecisionAsync(DecisionRecord decision, CancellationToken cancellationToken)
    {
        var entity = new DecisionEntity
        {
            PartitionKey = decision.School,
            RowKey = decision.Key,
            ItemKey = decision.ItemKey,
            Location = decision.Location,
            Trigger = decision.Trigger,
            Outcome = ScreeningMetrics.OutcomeName(decision.Decision.Outcome),
            Subjects = Join(decision.Decision.Subjects),
            RedactedSubjects = Join(decision.Decision.RedactedSubjects),
            Channels = Join(decision.Decision.Channels),
            Reasons = JsonSerializer.Serialize(decision.Decision.Reasons, Json),
            ConsentVersions = JsonSerializer.Serialize(decision.Decision.ConsentVersions, Json),
            DecidedAt = decision.Decision.DecidedAt,
            SourceETag = decision.SourceETag,
        };
        try
        {
            await storage.Decisions.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Recorded by an earlier delivery of the same trigger: the audit trail keeps that row.
            return false;
        }
    }

    /// <summary>
    /// The index key of a person's name, for items whose person tags named someone not (yet) in the
    /// register: a late record with that display name finds them. A hash, so no name is in a key.
    /// </summary>
    public static string NameKey(string name) =>
        "name-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Subjects.SubjectResolver.NormaliseName(name))))[..24];

    private async Task IndexAsync(ItemState item, CancellationToken cancellationToken)
    {
        var subjects = item.Subjects
            .Concat(item.Reasons.Select(r => r.Subject).OfType<string>())
            .Concat(item.Tags.Persons.SelectMany(p => p.Alternatives is null ? [p.Value] : p.Alternatives.Prepend(p.Value)).OfType<string>().Select(NameKey))
            .Distinct(StringComparer.Ordinal).ToList();
        var key = item.Key;
        foreach (var chunk in subjects.Chunk(100))
        {
            var actions = chunk.Select(subject => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new SubjectItemEntity
            {
                PartitionKey = item.School,
                RowKey = SubjectItemEntity.Key(subject, key),
                SubjectId = subject,
                ItemKey = key,
            }));
            await storage.SubjectItems.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    private static ItemEntity ToEntity(ItemState item) => new()
    {
        PartitionKey = item.School,
        RowKey = item.Key,
        Location = item.Location,
        UploadPath = item.UploadPath,
        State = item.StateName,
        RedactionPending = item.RedactionPending,
        Subjects = Join(item.Subjects),
        RedactedSubjects = Join(item.RedactedSubjects),
        Channels = Join(item.Channels),
        Reasons = JsonSerializer.Serialize(item.Reasons, Json),
        Tags = JsonSerializer.Serialize(item.Tags, Json),
        SourceETag = item.SourceETag,
        ContentType = item.ContentType,
        DecidedAt = item.DecidedAt,
        DecisionKey = item.DecisionKey,
    };

    private static ItemState FromEntity(ItemEntity row) => new()
    {
        School = row.PartitionKey,
        Location = row.Location,
        UploadPath = row.UploadPath,
        Outcome = ParseOutcome(row.State),
        RedactionPending = row.RedactionPending,
        Subjects = Split(row.Subjects),
        RedactedSubjects = Split(row.RedactedSubjects),
        Channels = Split(row.Channels),
        Reasons = Deserialize<List<Reason>>(row.Reasons),
        Tags = Deserialize<TagReadResult>(row.Tags),
        SourceETag = row.SourceETag,
        ContentType = row.ContentType,
        DecidedAt = row.DecidedAt,
        DecisionKey = row.DecisionKey,
    };

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
