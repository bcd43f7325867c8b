using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Screening;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Storage.Pipeline;

/// <summary>An upload URL: the client PUTs the file to <see cref="Url"/> with <see cref="Headers"/>, before <see cref="ExpiresOn"/>.</summary>
/// <param name="Record">The grant as the ledger keeps it.</param>
/// <param name="UploadPath">The blob the URL may create (<c>{school}/…</c>): the item's upload path once it is screened.</param>
/// <param name="Url">The blob's address with a SAS that may only create it.</param>
/// <param name="ExpiresOn">From when every request with the URL is refused.</param>
/// <param name="Headers">What the client must send with the upload (the blob type, the uploader's ID as metadata).</param>
public sealed record UploadGrant(UploadRecord Record, string UploadPath, Uri Url, DateTimeOffset ExpiresOn, IReadOnlyDictionary<string, string> Headers);

/// <summary>Why an upload URL was not given: for people, about the field of the request it is about.</summary>
public sealed record UploadRefusal(string Field, string Message);

/// <summary>
/// Gives a teacher a URL to upload one new blob into <c>uploads</c> under their school (SPEC §10): a short-lived
/// SAS (<see cref="StorageOptions.UploadGrantMinutes"/>) for exactly that blob with the create permission and
/// nothing else (no read, list, write over an existing blob, or delete). With an identity (Azure) it is a user
/// delegation SAS, signed with a user delegation key that is kept until shortly before it expires; with a shared
/// key (Azurite, a connection string) a service SAS. No account key leaves the server. The blob's name is chosen
/// here from the file name and folder asked for (<see cref="UploadNames"/>), never by the client, and is free: no
/// blob of that name waits in <c>uploads</c> and no other live URL names it (<see cref="UploadLedger"/>). Every
/// grant is recorded with its user before the URL is answered.
/// </summary>
public sealed partial class UploadGrants(MediaStorage storage, UploadLedger ledger, TimeProvider clock, ILogger<UploadGrants> logger)
{
    /// <summary>The metadata name of the uploader's user ID on the blob (informative: the ledger is the record).</summary>
    public const string UploaderMetadata = "uploader";

    /// <summary>The size of one block of an upload sent in blocks (Put Block, then Put Block List).</summary>
    public const int BlockBytes = 8 * 1024 * 1024;

    /// <summary>How many names are tried on a clash (<c>name.jpg</c>, <c>name (2).jpg</c>, …).</summary>
    internal const int MaxCandidates = 50;

    /// <summary>How long a user delegation key is asked for; it is used until <see cref="KeyMargin"/> before a URL would outlive it.</summary>
    internal static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(6);

    private static readonly TimeSpan KeyMargin = TimeSpan.FromMinutes(5);

    /// <summary>The SAS starts a little before now, so a client whose clock is behind is not refused.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _key;

    /// <summary>
    /// A URL for <paramref name="userId"/> to upload <paramref name="fileName"/> into <paramref name="folder"/> (optional)
    /// of <paramref name="school"/>, or why not (a name screening would refuse, or no free name).
    /// </summary>
    public Task<(UploadGrant? Grant, IReadOnlyList<UploadRefusal> Refusals)> GrantAsync(string school, string? folder, string? fileName, string userId, CancellationToken cancellationToken) =>
        GrantAsync(school, folder, fileName, userId, TimeSpan.FromMinutes(storage.Options.UploadGrantMinutes), cancellationToken);

    /// <summary>
    /// The block size a client sends a file of <paramref name="size"/> bytes in, or null: in one PUT (small or unknown
    /// size). The create permission of the URL covers Put Block and Put Block List of the new blob in Azure.
    /// </summary>
    public int? BlockSizeFor(long? size) =>
        size is { } bytes && storage.Options.UploadBlocksFromBytes > 0 && bytes >= storage.Options.UploadBlocksFromBytes ? BlockBytes : null;

    /// <summary>As above, valid for <paramref name="lifetime"/> from now (negative: a URL that is expired already, for tests).</summary>
    internal async Task<(UploadGrant? Grant, IReadOnlyList<UploadRefusal> Refusals)> GrantAsync(
        string school, string? folder, string? fileName, string userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var (name, refusals) = UploadNames.Compose(school, folder, fileName);
        if (name is null)
        {
            LogRefused(refusals.Count);
            return (null, refusals);
        }

        var now = clock.GetUtcNow();
        var expiresOn = now + lifetime;
        var code = ConsentFields.NormaliseSchool(school);
        foreach (var candidate in UploadNames.Candidates(name).Take(MaxCandidates))
        {
            if (await storage.Upload(candidate).ExistsAsync(cancellationToken))
            {
                continue;
            }

            var record = new UploadRecord(code, candidate, userId, fileName!.Trim(), now, expiresOn);
            if (!await ledger.TryRecordAsync(record, cancellationToken))
            {
                continue;
            }

            var url = await SignAsync(candidate, now, expiresOn, cancellationToken);
            LogGranted(code, candidate, expiresOn);
            return (new UploadGrant(record, candidate, url, expiresOn, Headers(userId)), []);
        }

        LogNoFreeName(code);
        return (null, [new UploadRefusal("file_name", $"{MaxCandidates} uploads of this name are waiting to be screened; try again later or choose another name")]);
    }

    /// <summary>The headers the client sends with the upload: a block blob, and the uploader's ID (escaped to header-safe ASCII).</summary>
    private static Dictionary<string, string> Headers(string userId) => new(StringComparer.Ordinal)
    {
        ["x-ms-blob-type"] = "BlockBlob",
        ["x-ms-meta-" + UploaderMetadata] = Uri.EscapeDataString(userId),
    };

    private async Task<Uri> SignAsync(string name, DateTimeOffset now, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var blob = storage.Uploads.GetBlobClient(name);
        var sas = new BlobSasBuilder(BlobSasPermissions.Create, expiresOn)
        {
            BlobContainerName = storage.Uploads.Name,
            BlobName = name,
            Resource = "b",
            StartsOn = (expiresOn < now ? expiresOn : now) - ClockSkew,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (storage.Credential is not null)
        {
            var service = storage.Uploads.GetParentBlobServiceClient();
            var key = await DelegationKeyAsync(service, now, expiresOn, cancellationToken);
            return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
        }

        if (!blob.CanGenerateSasUri)
        {
            throw new InvalidOperationException("Upload URLs need an identity (a user delegation key) or a shared key for the uploads container.");
        }

        return blob.GenerateSasUri(sas);
    }

    /// <summary>The user delegation key, asked for again only when the one kept would expire before the URL plus a margin.</summary>
    private async Task<UserDelegationKey> DelegationKeyAsync(BlobServiceClient service, DateTimeOffset now, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_key is null || _key.SignedExpiresOn < expiresOn + KeyMargin || _key.SignedStartsOn > now - ClockSkew)
            {
                _key = (await service.GetUserDelegationKeyAsync(now - ClockSkew, now + KeyLifetime, cancellationToken)).Value;
                LogKeyFetched(_key.SignedExpiresOn);
            }

            return _key;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload URL for {Upload} of {School} given, valid until {ExpiresOn:O}")]
    private partial void LogGranted(string school, string upload, DateTimeOffset expiresOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload URL refused: {Refusals} problem(s) with the name")]
    private partial void LogRefused(int refusals);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload URL for {School} refused: no free name")]
    private partial void LogNoFreeName(string school);

    [LoggerMessage(Level = LogLevel.Information, Message = "User delegation key fetched, valid until {ExpiresOn:O}")]
    private partial void LogKeyFetched(DateTimeOffset expiresOn);
}

/// <summary>
/// The blob name of an upload: <c>{school}/{folder}/{file name}</c>, normalised (Unicode NFC, spaces around each
/// segment trimmed, empty segments dropped) and refused where screening would read it as no school's path
/// (<see cref="MediaPath"/>: <c>.</c>/<c>..</c> segments, backslashes, control characters) or Azure would
/// change or refuse it (a segment ending in a dot, a name over 1,024 characters). The school comes from the
/// address, never from the request, and the file name is one segment, so no name can leave the school's folder.
/// </summary>
public static class UploadNames
{
    /// <summary>Room left under Azure's 1,024 characters for the suffix of a free name.</summary>
    internal const int MaxLength = 1000;

    private const int MaxFileName = 255;

    /// <summary>The blob name, or null and every problem found.</summary>
    public static (string? Name, IReadOnlyList<UploadRefusal> Refusals) Compose(string? school, string? folder, string? fileName)
    {
        var refusals = new List<UploadRefusal>();
        var code = ConsentFields.NormaliseSchool(school);
        if (!ConsentFields.IsSchoolCode(code))
        {
            refusals.Add(new("school", "is not a school code (lower-case letters, digits and '-')"));
        }

        var file = (fileName ?? string.Empty).Normalize(NormalizationForm.FormC).Trim();
        if (file.Length == 0)
        {
            refusals.Add(new("file_name", "is required"));
        }
        else
        {
            if (file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal))
            {
                refusals.Add(new("file_name", "must be a file name without folders ('/' or '\\'); give the folder as folder"));
            }

            if (SegmentProblem(file) is { } problem)
            {
                refusals.Add(new("file_name", problem));
            }

            if (file.Length > MaxFileName)
            {
                refusals.Add(new("file_name", $"is longer than {MaxFileName} characters"));
            }
        }

        var segments = new List<string>();
        var folderText = (folder ?? string.Empty).Normalize(NormalizationForm.FormC);
        if (folderText.Contains('\\', StringComparison.Ordinal))
        {
            refusals.Add(new("folder", "must separate folders with '/', not '\\'"));
        }
        else
        {
            foreach (var segment in folderText.Split('/').Select(s => s.Trim()).Where(s => s.Length > 0))
            {
                if (SegmentProblem(segment) is { } problem)
                {
                    refusals.Add(new("folder", problem));
                    break;
                }

                segments.Add(segment);
            }
        }

        if (refusals.Count > 0)
        {
            return (null, refusals);
        }

        var name = string.Join('/', segments.Prepend(code).Append(file));
        if (name.Length > MaxLength)
        {
            return (null, [new("folder", $"folder and file name together are longer than {MaxLength - code.Length - 1} characters")]);
        }

        // The same reading as screening's, so no URL is given for a name screening would put aside.
        var path = MediaPath.Parse(name);
        return path.Problem is null && path.School == code && path.FullPath == name
            ? (name, [])
            : (null, [new("file_name", path.Why ?? "is no path in the school's folder")]);
    }

    /// <summary><paramref name="name"/>, then <c>stem (2).ext</c>, <c>stem (3).ext</c>, … in the same folder.</summary>
    public static IEnumerable<string> Candidates(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        yield return name;
        var slash = name.LastIndexOf('/');
        var file = name[(slash + 1)..];
        var dot = file.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (file[..dot], file[dot..]) : (file, string.Empty);
        for (var n = 2; ; n++)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{name[..(slash + 1)]}{stem} ({n}){extension}");
        }
    }

    private static string? SegmentProblem(string segment)
    {
        if (segment is "." or "..")
        {
            return "may not be '.' or '..'";
        }

        if (segment.Any(char.IsControl))
        {
            return "may not hold control characters";
        }

        return segment.EndsWith('.') ? "may not end with a dot" : null;
    }
}
