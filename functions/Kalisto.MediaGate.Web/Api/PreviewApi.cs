using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Storage.Previews;
using Kalisto.MediaGate.Storage.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Kalisto.MediaGate.Web.Api;

/// <summary>
/// The preview of one item for the web app (a gallery tile, the outcome of an upload): the small JPEG without
/// metadata that the preview worker made for the item's current decision. Who may see it follows what they
/// may see of the item (SPEC §10): an approved or redacted item's preview needs <see cref="Permission.ReadItems"/>;
/// a quarantined one (or one being screened) needs <see cref="Permission.ReadQuarantine"/>, or
/// <see cref="Permission.ReadOwnUploads"/> for the caller's own upload. A preview made for an earlier decision is
/// never answered. Routes and sign-in are the host's; this class checks the caller it is given.
/// </summary>
public sealed partial class PreviewApi(ItemCatalog catalog, PreviewStore previews, ILogger<PreviewApi> logger)
{
    public const string CacheControl = "private, no-store";

    /// <param name="school">The school of the address.</param>
    /// <param name="itemKey">The item's key (its <c>item_key</c> in a listing).</param>
    /// <param name="caller">The signed-in caller.</param>
    /// <param name="uploadedByCaller">Whether the item is an upload of the caller; asked only when that decides.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The JPEG (<c>image/jpeg</c>, not cached, not sniffed); 400 for an address that names no school and item;
    /// 403 for a caller who may not see the item; 404 when there is no such item or no preview of its current decision.
    /// </returns>
    public async Task<IResult> GetPreviewAsync(
        string school,
        string itemKey,
        MediaGateCaller caller,
        Func<ItemState, CancellationToken, Task<bool>> uploadedByCaller,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploadedByCaller);
        var errors = new ApiErrors();
        var code = SchoolApi.School(school, errors);
        var key = SchoolApi.Key(itemKey, errors);

        if (errors.Any)
        {
            LogRefused(errors.Count);
            return errors.Result("The request is not valid.", "The address names no valid school and item.");
        }

        // Outside the caller's schools nothing is looked up, so nothing is told about the school's items.
        if (!AccessCheck.IsAllowed(caller, code, Permission.ReadItems)
            && !AccessCheck.IsAllowed(caller, code, Permission.ReadQuarantine)
            && !AccessCheck.IsAllowed(caller, code, Permission.ReadOwnUploads))
        {
            return Forbidden(code);
        }

        if ((await catalog.GetAsync(code, key, cancellationToken))?.State is not { } item)
        {
            return NotFound($"{code} has no item {key}.");
        }

        if (!await MaySeeAsync(caller, item, uploadedByCaller, cancellationToken))
        {
            return Forbidden(code);
        }

        if (await previews.OpenAsync(item, cancellationToken) is not { } preview)
        {
            return NotFound($"Item {key} of {code} has no preview (yet).");
        }

        return new PreviewResult(TypedResults.Stream(preview, PreviewStore.ContentType));
    }

    /// <summary>
    /// Approved and redacted items for who reads the school's items, the others (quarantined, being screened) for who
    /// reads its quarantine; and any item for the teacher who uploaded it (the outcome of their own upload).
    /// </summary>
    private static async Task<bool> MaySeeAsync(MediaGateCaller caller, ItemState item, Func<ItemState, CancellationToken, Task<bool>> uploadedByCaller, CancellationToken cancellationToken)
    {
        var published = !item.Screening && item.Outcome is Outcome.Approved or Outcome.Redacted;
        if (AccessCheck.IsAllowed(caller, item.School, published ? Permission.ReadItems : Permission.ReadQuarantine))
        {
            return true;
        }

        return AccessCheck.IsAllowed(caller, item.School, Permission.ReadOwnUploads) && await uploadedByCaller(item, cancellationToken);
    }

    private ProblemHttpResult Forbidden(string school)
    {
        LogForbidden(school);
        return TypedResults.Problem("The signed-in user may not see this item.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
    }

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview refused: {Errors} validation error(s)")]
    private partial void LogRefused(int errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview in {School} refused: the caller may not see the item")]
    private partial void LogForbidden(string school);

    /// <summary>
    /// The preview with the headers a view of a school's media needs: never stored by a browser or a proxy
    /// (what one may see changes with consent), and never read as anything but an image.
    /// </summary>
    internal sealed class PreviewResult(FileStreamHttpResult inner) : IResult
    {
        public FileStreamHttpResult Inner { get; } = inner;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.CacheControl = CacheControl;
            httpContext.Response.Headers.XContentTypeOptions = "nosniff";
            return Inner.ExecuteAsync(httpContext);
        }
    }
}
