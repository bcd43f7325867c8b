using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Storage.Pipeline;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// Uploads of a teacher (SPEC §10): an upload URL for one new file in the school's upload area, and the outcome of
/// the caller's own uploads. The caller is signed in and allowed to upload for the school before these are called
/// (the routes check access); what the caller is given is tied to <see cref="MediaGateCaller.UserId"/>. Bad input
/// gives problem details, never an exception; storage errors propagate. Logs school and counts, never names of people.
/// </summary>
public sealed partial class UploadApi(UploadGrants grants, UploadHistory history, ILogger<UploadApi> logger)
{
    /// <summary>The largest JSON body read (a file name and a folder).</summary>
    public const int MaxJsonBytes = 16 * 1024;

    private const string Invalid = "The request is not valid.";

    /// <summary>
    /// A URL to upload one file: <c>201 Created</c> with the URL, the blob name the file will have (its item path),
    /// when the URL expires and the headers to send. The name is the file name in the folder asked for, or a free
    /// name beside it when one of that name waits to be screened.
    /// </summary>
    public async Task<Results<Created<UploadGrantResource>, ValidationProblem, ProblemHttpResult>> CreateUploadAsync(
        string school, HttpRequest request, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ApiErrors();
        var code = SchoolApi.School(school, errors);
        if (errors.Any)
        {
            return Refused(errors, "The address names no valid school.");
        }

        var (body, problem) = await RequestBody.ReadJsonAsync<UploadRequest>(request, MaxJsonBytes, required: true, errors, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body is null || errors.Any)
        {
            return Refused(errors, RequestBody.Unreadable);
        }

        body.Check(errors);
        if (errors.Any)
        {
            return Refused(errors, "The upload is not valid; no URL was given.");
        }

        var (grant, refusals) = await grants.GrantAsync(code, body.Folder, body.FileName, caller.UserId, cancellationToken);
        if (grant is null)
        {
            foreach (var refusal in refusals)
            {
                errors.Add(refusal.Field, refusal.Message);
            }

            return Refused(errors, "The file cannot be uploaded under this name; no URL was given.");
        }

        return TypedResults.Created((string?)null, UploadGrantResource.From(grant, grants.BlockSizeFor(body.Size)));
    }

    /// <summary>The caller's latest uploads in the school, newest first, each with its state and, once screened, its outcome.</summary>
    public async Task<Results<Ok<List<MyUploadResource>>, ValidationProblem>> MyUploadsAsync(string school, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ApiErrors();
        var code = SchoolApi.School(school, errors);
        if (errors.Any)
        {
            return Refused(errors, "The address names no valid school.");
        }

        var uploads = await history.UploadsOfAsync(code, caller.UserId, cancellationToken);
        return TypedResults.Ok(uploads.Select(MyUploadResource.From).ToList());
    }

    /// <summary>Whether the caller uploaded this item (for a teacher's preview of their own upload).</summary>
    public Task<bool> IsUploaderAsync(ItemState item, MediaGateCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return history.IsUploaderAsync(item, caller.UserId, cancellationToken);
    }

    private ValidationProblem Refused(ApiErrors errors, string detail)
    {
        LogRefused(errors.Count);
        return errors.Result(Invalid, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload URL refused: {Errors} validation error(s)")]
    private partial void LogRefused(int errors);
}

/// <summary>
/// The body of <c>POST …/uploads</c>: the file's name, and optionally the folder below the school, its size in bytes
/// and its content type (both informative: screening reads the file itself).
/// </summary>
public sealed record UploadRequest(string? FileName, string? Folder, long? Size, string? ContentType)
{
    internal void Check(ApiErrors errors)
    {
        if (FileName is null)
        {
            errors.Add("file_name", "is required");
        }

        if (Size < 0)
        {
            errors.Add("size", "must be the file's size in bytes, 0 or more");
        }

        if (ContentType is { Length: > 255 })
        {
            errors.Add("content_type", "is longer than 255 characters");
        }
    }
}

/// <summary>
/// An upload URL: PUT the file to <c>url</c> with <c>headers</c> before <c>expires_at</c>; when <c>block_size</c> is
/// given (a large file), in blocks of that many bytes (Put Block, then Put Block List with the headers).
/// </summary>
public sealed record UploadGrantResource(string Url, string Path, string FileName, string ExpiresAt, IReadOnlyDictionary<string, string> Headers, int? BlockSize)
{
    public static UploadGrantResource From(UploadGrant grant, int? blockSize)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return new(grant.Url.AbsoluteUri, grant.UploadPath, grant.Record.FileName, ApiJson.Moment(grant.ExpiresOn), grant.Headers, blockSize);
    }
}

/// <summary>
/// One of the caller's uploads: <c>waiting</c> (the URL was given; nothing screened yet), <c>screening</c>,
/// <c>approved</c>, <c>redacted</c> or <c>quarantined</c>, with the reasons and channels once decided.
/// </summary>
public sealed record MyUploadResource(
    string Path,
    string FileName,
    string State,
    string GrantedAt,
    string ExpiresAt,
    string? ItemKey,
    IReadOnlyList<string>? Channels,
    IReadOnlyList<ReasonResource>? Reasons,
    string? DecidedAt,
    FaceResource? Faces = null,
    bool? AwaitsFaces = null)
{
    public static MyUploadResource From(UploadOutcome upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var (grant, item) = (upload.Grant, upload.Item);
        var decided = item is { Screening: false };
        return new(
            grant.UploadPath,
            grant.FileName,
            upload.StateName,
            ApiJson.Moment(grant.GrantedAt),
            ApiJson.Moment(grant.ExpiresOn),
            item?.Key,
            decided ? item!.Channels : null,
            decided ? ReasonResource.From(item!.Reasons) : null,
            decided ? ApiJson.Moment(item!.DecidedAt) : null,
            decided ? FaceResource.From(item!.FaceCheck) : null,
            item is { AwaitsFaces: true } ? true : null);
    }
}
