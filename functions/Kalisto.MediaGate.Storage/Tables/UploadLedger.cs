using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>One upload URL given to one user: which blob of <c>uploads</c> it may create, and until when.</summary>
/// <param name="School">The school whose folder the blob is in.</param>
/// <param name="UploadPath">The blob's whole name in <c>uploads</c> (<c>{school}/…</c>), the item's upload path.</param>
/// <param name="UserId">Who was given it (the caller's user ID).</param>
/// <param name="FileName">The file name the user asked for (the blob's name may differ: a free name on a clash).</param>
/// <param name="GrantedAt">When it was given.</param>
/// <param name="ExpiresOn">From when the URL is refused.</param>
public sealed record UploadRecord(string School, string UploadPath, string UserId, string FileName, DateTimeOffset GrantedAt, DateTimeOffset ExpiresOn);

/// <summary>
/// Who was given which upload: the server's record of each upload URL it handed out, since the uploader's
/// metadata on a blob is whatever the client sent. One table partitioned by school, three rows per grant,
/// written in one entity-group transaction:
/// <list type="bullet">
/// <item><c>path|{name key}</c>: the latest grant of an upload name. Adding it (or replacing it, conditional on
/// the expired grant that was read) reserves the name, so two live URLs never name the same blob.</item>
/// <item><c>grant|{name key}|{inverted time}</c>: every grant of a name, newest first (whose upload an item is).</item>
/// <item><c>user|{user key}|{inverted time}|{name key}</c>: every grant of a user, newest first ("my uploads").</item>
/// </list>
/// Names and user IDs are in the keys as hashes (a blob name holds '/', which no key may); the rows hold them as they are.
/// </summary>
public sealed class UploadLedger(MediaStorage storage)
{
    /// <summary>The most grants <see cref="UploadsOfAsync"/> answers.</summary>
    public const int MaxListed = 200;

    internal const string PathPrefix = "path|";
    internal const string GrantPrefix = "grant|";
    internal const string UserPrefix = "user|";

    /// <summary>
    /// Records a grant and reserves its name: refused (false) while another grant of the same name is live (not
    /// expired at <see cref="UploadRecord.GrantedAt"/>) or when a concurrent grant took it first.
    /// </summary>
    public async Task<bool> TryRecordAsync(UploadRecord grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var table = storage.UploadGrants;
        var pathKey = PathKey(grant.UploadPath);
        var current = await table.GetEntityIfExistsAsync<UploadGrantEntity>(grant.School, PathPrefix + pathKey, cancellationToken: cancellationToken);
        if (current.HasValue && current.Value!.ExpiresOn > grant.GrantedAt)
        {
            return false;
        }

        var reservation = Entity(grant, PathPrefix + pathKey);
        var actions = new List<TableTransactionAction>
        {
            current.HasValue
                ? new(TableTransactionActionType.UpdateReplace, reservation, current.Value!.ETag)
                : new(TableTransactionActionType.Add, reservation),
            new(TableTransactionActionType.Add, Entity(grant, GrantRow(pathKey, grant.GrantedAt))),
            new(TableTransactionActionType.Add, Entity(grant, UserRow(grant.UserId, grant.GrantedAt, pathKey))),
        };
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// The grant an upload of <paramref name="uploadPath"/> seen at <paramref name="at"/> came from: the latest grant of
    /// that name given at or before then (URLs of one name never overlap, so it is the only one that could have made
    /// it); the latest grant of all when <paramref name="at"/> is null. Null when the name was never granted.
    /// </summary>
    public async Task<UploadRecord?> UploaderOfAsync(string school, string uploadPath, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(school);
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadPath);
        var prefix = GrantPrefix + PathKey(uploadPath) + "|";
        var from = at is { } moment ? prefix + Inverted(moment) : prefix;
        var to = ItemKey.After(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var row in storage.UploadGrants.QueryAsync<UploadGrantEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            // A hash is no proof: the row must name this upload.
            if (row.UploadPath == uploadPath)
            {
                return Record(row);
            }
        }

        return null;
    }

    /// <summary>The grants of one user in one school, newest first, at most <paramref name="max"/> (at most <see cref="MaxListed"/>).</summary>
    public async Task<IReadOnlyList<UploadRecord>> UploadsOfAsync(string school, string userId, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(school);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        max = Math.Min(max, MaxListed);
        var prefix = UserPrefix + Key(userId) + "|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {school} and RowKey ge {prefix} and RowKey lt {ItemKey.After(prefix)}");
        var grants = new List<UploadRecord>();
        await foreach (var row in storage.UploadGrants.QueryAsync<UploadGrantEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken))
        {
            if (row.UserId == userId)
            {
                grants.Add(Record(row));
                if (grants.Count == max)
                {
                    break;
                }
            }
        }

        return grants;
    }

    /// <summary>Every grant (of every user) of one school given at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<UploadRecord>> GrantsSinceAsync(string school, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(school);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {school} and RowKey ge {GrantPrefix} and RowKey lt {ItemKey.After(GrantPrefix)} and GrantedAt ge {since}");
        var grants = new List<UploadRecord>();
        await foreach (var row in storage.UploadGrants.QueryAsync<UploadGrantEntity>(filter, cancellationToken: cancellationToken))
        {
            grants.Add(Record(row));
        }

        return grants;
    }

    /// <summary>The key of an upload name: 32 hex digits of its SHA-256.</summary>
    internal static string PathKey(string uploadPath) => Key(uploadPath);

    private static string Key(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    private static string GrantRow(string pathKey, DateTimeOffset grantedAt) => $"{GrantPrefix}{pathKey}|{Inverted(grantedAt)}";

    private static string UserRow(string userId, DateTimeOffset grantedAt, string pathKey) => $"{UserPrefix}{Key(userId)}|{Inverted(grantedAt)}|{pathKey}";

    /// <summary>Newest first in key order: the ticks until the end of time, 19 digits.</summary>
    private static string Inverted(DateTimeOffset moment) =>
        (DateTimeOffset.MaxValue.UtcTicks - moment.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static UploadGrantEntity Entity(UploadRecord grant, string rowKey) => new()
    {
        PartitionKey = grant.School,
        RowKey = rowKey,
        UploadPath = grant.UploadPath,
        UserId = grant.UserId,
        FileName = grant.FileName,
        GrantedAt = grant.GrantedAt,
        ExpiresOn = grant.ExpiresOn,
    };

    private static UploadRecord Record(UploadGrantEntity row) =>
        new(row.PartitionKey, row.UploadPath, row.UserId, row.FileName, row.GrantedAt, row.ExpiresOn);
}

/// <summary>A row of the upload grants table (see <see cref="UploadLedger"/>); every kind of row holds the whole grant.</summary>
internal sealed class UploadGrantEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string UploadPath { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;

    public string FileName { get; set; } = string.Empty;

    public DateTimeOffset GrantedAt { get; set; }

    public DateTimeOffset ExpiresOn { get; set; }
}
