namespace Kalisto.MediaGate.Storage.Tables;

/// <summary>One upload URL given to a user and what became of it: no item yet (waiting), or the item it became.</summary>
public sealed record UploadOutcome(UploadRecord Grant, ItemState? Item)
{
    /// <summary><c>waiting</c> (nothing screened yet: not uploaded, or not screened yet), else the item's state.</summary>
    public string StateName => Item?.StateName ?? "waiting";
}

/// <summary>
/// Joins the upload ledger with the item catalog (SPEC §10: a teacher sees the outcome of their own uploads). An
/// item is a grant's upload when its upload path is the granted name and it was first seen (screened) at or after
/// the grant, and no later grant of that name (of any user) came before it: the URLs of one name never overlap
/// (<see cref="UploadLedger.TryRecordAsync"/>), and a name is only given again once no blob of it waits, so the
/// latest grant before an item is the one it was uploaded with.
/// </summary>
public sealed class UploadHistory(UploadLedger ledger, ItemCatalog catalog)
{
    /// <summary>
    /// The user's latest uploads in one school (at most <see cref="UploadLedger.MaxListed"/>), newest first, each with
    /// its item when it was screened. Three queries, whatever the number of uploads: the user's grants, the school's
    /// grants since the oldest of them, and the school's items decided since then (plus one read of the first
    /// decision of an item that was decided again since).
    /// </summary>
    public async Task<IReadOnlyList<UploadOutcome>> UploadsOfAsync(string school, string userId, CancellationToken cancellationToken)
    {
        var mine = await ledger.UploadsOfAsync(school, userId, UploadLedger.MaxListed, cancellationToken);
        if (mine.Count == 0)
        {
            return [];
        }

        var since = mine.Min(g => g.GrantedAt);
        var paths = mine.Select(g => g.UploadPath).ToHashSet(StringComparer.Ordinal);
        var grantsByPath = (await ledger.GrantsSinceAsync(school, since, cancellationToken))
            .Where(g => paths.Contains(g.UploadPath))
            .GroupBy(g => g.UploadPath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.GrantedAt).ToList(), StringComparer.Ordinal);
        var items = await catalog.UploadedSinceAsync(school, since, paths, cancellationToken);

        // Each item to the latest grant of its name before it; a grant's newest item wins (a URL used again
        // after its first upload was screened).
        var found = new Dictionary<UploadRecord, (ItemState Item, DateTimeOffset Seen)>();
        foreach (var item in items)
        {
            var seen = await catalog.FirstSeenAsync(item, cancellationToken);
            if (!grantsByPath.TryGetValue(item.UploadPath, out var grants) || grants.LastOrDefault(g => g.GrantedAt <= seen) is not { } grant)
            {
                continue;
            }

            if (!found.TryGetValue(grant, out var earlier) || earlier.Seen < seen)
            {
                found[grant] = (item, seen);
            }
        }

        return [.. mine.Select(g => new UploadOutcome(g, found.TryGetValue(g, out var hit) ? hit.Item : null))];
    }

    /// <summary>
    /// Whether <paramref name="userId"/> uploaded <paramref name="item"/>: the grant it came from (the latest grant of
    /// its upload path given at or before the item was first seen) was given to that user. False for an item that
    /// came from no grant (uploaded another way).
    /// </summary>
    public async Task<bool> IsUploaderAsync(ItemState item, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var seen = await catalog.FirstSeenAsync(item, cancellationToken);
        var grant = await ledger.UploaderOfAsync(item.School, item.UploadPath, seen, cancellationToken);
        return grant is not null && string.Equals(grant.UserId, userId, StringComparison.Ordinal);
    }
}
