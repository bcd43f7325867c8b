using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kalisto.MediaGate.Web;

/// <summary>
/// The routes of the HTTP API (README "HTTP API") and the one handler of each, which both hosts call: the Functions
/// app's HTTP triggers (one line each) and <c>mediagate serve</c> (<see cref="MapMediaGateApi"/>). Every handler goes
/// through <see cref="ApiAccess"/> first: 401 without a signed-in user, 403 without the route's permission in its school.
/// </summary>
public static class MediaGateApi
{
    /// <summary>The prefix of the routes, as the Functions host has it (<c>api</c>, its default route prefix).</summary>
    public const string Root = "/api";

    /// <summary>The prefix of a school's routes.</summary>
    public const string Prefix = Root + "/schools/{school}";

    /// <summary>The permissions of which a caller needs one to ask for a preview at all.</summary>
    public static readonly IReadOnlyList<Permission> PreviewPermissions = [Permission.ReadItems, Permission.ReadQuarantine, Permission.ReadOwnUploads];

    /// <summary>Maps every route under <see cref="Root"/>, each named as its Functions trigger.</summary>
    public static IEndpointRouteBuilder MapMediaGateApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Root + "/me", Me).WithName("Me");
        var school = endpoints.MapGroup(Prefix);
        school.MapGet("/consent", ListConsent).WithName("ListConsent");
        school.MapGet("/consent/{subjectId}", GetConsent).WithName("GetConsent");
        school.MapGet("/consent/{subjectId}/history", ConsentHistory).WithName("ConsentHistory");
        school.MapPut("/consent/{subjectId}", PutConsent).WithName("PutConsent");
        school.MapPost("/consent/{subjectId}/withdraw", WithdrawConsent).WithName("WithdrawConsent");
        school.MapPost("/consent/import", ImportConsent).WithName("ImportConsent");
        school.MapGet("/items", ListItems).WithName("ListItems");
        school.MapGet("/items/zip", DownloadItemsZip).WithName("DownloadItemsZip");
        school.MapGet("/items/{itemKey}/audit", ItemAudit).WithName("ItemAudit");
        school.MapGet("/items/{itemKey}/download", DownloadItem).WithName("DownloadItem");
        school.MapPost("/items/{itemKey}/rescreen", RescreenItem).WithName("RescreenItem");
        school.MapGet("/items/{itemKey}/preview", ItemPreview).WithName("ItemPreview");
        school.MapPost("/uploads", CreateUpload).WithName("CreateUpload");
        school.MapGet("/uploads/mine", MyUploads).WithName("MyUploads");
        school.MapGet("/audit", ExportAudit).WithName("ExportAudit");
        return endpoints;
    }

    /// <summary><c>GET /api/me</c>: who the caller is and what they may in which school; 401 without a user.</summary>
    public static Task<IResult> Me(HttpContext context, ApiAccess access) =>
        access.RunSignedInAsync(context, caller => Task.FromResult<IResult>(TypedResults.Ok(new CallerResource(
            caller.UserId,
            caller.DisplayName,
            [.. caller.Grants.Select(g => g.School).Distinct().Order(StringComparer.Ordinal).Select(s => new CallerSchoolResource(
                s,
                [.. caller.Grants.Where(g => g.School == s).Select(g => RoleNames.Name(g.Role)).Order(StringComparer.Ordinal)],
                [.. caller.Grants.Where(g => g.School == s).SelectMany(g => RolePermissions.Of(g.Role)).Distinct().Order().Select(PermissionNames.Name)]))]))));

    public static Task<IResult> ListConsent(HttpContext context, string school, [FromQuery(Name = "q")] string? search, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ReadRegister, async _ => await api.ListConsentAsync(school, search, cancellationToken));

    public static Task<IResult> GetConsent(HttpContext context, string school, string subjectId, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ReadRegister, async _ => await api.GetConsentAsync(school, subjectId, cancellationToken));

    public static Task<IResult> ConsentHistory(HttpContext context, string school, string subjectId, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ReadHistory, async _ => await api.ConsentHistoryAsync(school, subjectId, cancellationToken));

    public static Task<IResult> PutConsent(HttpContext context, string school, string subjectId, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ChangeConsent, async caller => await api.PutConsentAsync(school, subjectId, context.Request, caller, cancellationToken));

    public static Task<IResult> WithdrawConsent(HttpContext context, string school, string subjectId, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.WithdrawConsent, async caller => await api.WithdrawConsentAsync(school, subjectId, context.Request, caller, cancellationToken));

    public static Task<IResult> ImportConsent(HttpContext context, string school, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ImportConsent, async caller => await api.ImportConsentAsync(school, context.Request, caller, cancellationToken));

    public static Task<IResult> ListItems(
        HttpContext context,
        string school,
        string? state,
        string? channel,
        [FromQuery(Name = "page_size")] string? pageSize,
        string? continuation,
        ApiAccess access,
        SchoolApi api,
        CancellationToken cancellationToken) =>
        access.RunAsync(context, school, SchoolApi.ListPermission(state), async _ => await api.ListItemsAsync(school, state, channel, pageSize, continuation, cancellationToken));

    public static Task<IResult> ItemAudit(HttpContext context, string school, string itemKey, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ReadHistory, async _ => await api.ItemAuditAsync(school, itemKey, cancellationToken));

    public static Task<IResult> DownloadItem(HttpContext context, string school, string itemKey, string? channel, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.DownloadApproved, async _ => await api.DownloadAsync(school, itemKey, channel, cancellationToken));

    /// <summary>
    /// <c>GET …/items/zip?channel=&amp;key=…&amp;key=…</c>: the publishable copies of several items for one channel in
    /// one zip, each as <see cref="DownloadItem"/> hands it out. A GET (it changes nothing), so the gallery's plain
    /// form asks for it and the browser saves it as any download; hence the cap on keys (<see cref="SchoolApi.MaxZipItems"/>).
    /// </summary>
    public static Task<IResult> DownloadItemsZip(HttpContext context, string school, string? channel, [FromQuery(Name = "key")] string[]? keys, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.DownloadApproved, async _ => await api.DownloadZipAsync(school, keys ?? [], channel, cancellationToken));

    public static Task<IResult> RescreenItem(HttpContext context, string school, string itemKey, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.RequestRescreen, async _ => await api.RescreenItemAsync(school, itemKey, cancellationToken));

    /// <summary>
    /// An item's preview: every caller who may see some item of the school passes the door; whether they may see this
    /// one depends on its state (<see cref="PreviewApi"/>: approved items for who reads items, the others for who reads
    /// the quarantine, and a teacher's own uploads for that teacher).
    /// </summary>
    public static Task<IResult> ItemPreview(HttpContext context, string school, string itemKey, ApiAccess access, PreviewApi previews, UploadApi uploads, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, PreviewPermissions, caller => previews.GetPreviewAsync(school, itemKey, caller, (item, ct) => uploads.IsUploaderAsync(item, caller, ct), cancellationToken));

    public static Task<IResult> CreateUpload(HttpContext context, string school, ApiAccess access, UploadApi uploads, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.UploadMedia, async caller => await uploads.CreateUploadAsync(school, context.Request, caller, cancellationToken));

    public static Task<IResult> MyUploads(HttpContext context, string school, ApiAccess access, UploadApi uploads, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ReadOwnUploads, async caller => await uploads.MyUploadsAsync(school, caller, cancellationToken));

    public static Task<IResult> ExportAudit(HttpContext context, string school, string? from, string? to, ApiAccess access, SchoolApi api, CancellationToken cancellationToken) =>
        access.RunAsync(context, school, Permission.ExportAudit, async _ => await api.ExportAuditAsync(school, from, to, cancellationToken));
}
