using Kalisto.MediaGate.Web;
using Kalisto.MediaGate.Web.Access;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// The HTTP API's triggers (README "HTTP API"), under <c>/api</c> (the host's own route prefix is empty, so the web
/// app's pages can be at <c>/app</c>): one function per route, each calling the web layer's one handler of
/// that route (<see cref="MediaGateApi"/>), which <c>mediagate serve</c> calls too. Every trigger is
/// <see cref="AuthorizationLevel.Anonymous"/> to the Functions host: a function key is no identity, and who may is the
/// app's own check (<see cref="ApiAccess"/>: the signed-in user of App Service Authentication, 401 and 403).
/// </summary>
public sealed class HttpApi(ApiAccess access, SchoolApi api, PreviewApi previews, UploadApi uploads)
{
    /// <summary><c>GET schools/{school}/consent/{subjectId}/history</c>: every change of one record, oldest first (privacy).</summary>
    [Function(nameof(ConsentHistory))]
    public Task<IResult> ConsentHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/consent/{subjectId}/history")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        MediaGateApi.ConsentHistory(request.HttpContext, school, subjectId, access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/items/{itemKey}/download?channel=</c>: the publishable copy of an approved item for one channel (communications, privacy).</summary>
    [Function(nameof(DownloadItem))]
    public Task<IResult> DownloadItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/items/{itemKey}/download")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken) =>
        MediaGateApi.DownloadItem(request.HttpContext, school, itemKey, request.Query["channel"], access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/items/zip?channel=&amp;key=…&amp;key=…</c>: the publishable copies of several approved items for one channel in one zip (communications, privacy).</summary>
    [Function(nameof(DownloadItemsZip))]
    public Task<IResult> DownloadItemsZip(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/items/zip")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.DownloadItemsZip(request.HttpContext, school, request.Query["channel"], request.Query["key"].ToArray()!, access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/audit?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the school's decisions in those days as CSV (privacy).</summary>
    [Function(nameof(ExportAudit))]
    public Task<IResult> ExportAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/audit")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.ExportAudit(request.HttpContext, school, request.Query["from"], request.Query["to"], access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/consent/{subjectId}</c>: one record with its version (privacy).</summary>
    [Function(nameof(GetConsent))]
    public Task<IResult> GetConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        MediaGateApi.GetConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);

    /// <summary><c>POST schools/{school}/consent/import</c>: imports the school's register from CSV, all or nothing (privacy).</summary>
    [Function(nameof(ImportConsent))]
    public Task<IResult> ImportConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/schools/{school}/consent/import")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.ImportConsent(request.HttpContext, school, access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/items/{itemKey}/audit</c>: every decision about one item (privacy).</summary>
    [Function(nameof(ItemAudit))]
    public Task<IResult> ItemAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/items/{itemKey}/audit")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken) =>
        MediaGateApi.ItemAudit(request.HttpContext, school, itemKey, access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/consent?q=</c>: the school's register, optionally only records matching a search (privacy).</summary>
    [Function(nameof(ListConsent))]
    public Task<IResult> ListConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/consent")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.ListConsent(request.HttpContext, school, request.Query["q"], access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/items?state=&amp;channel=&amp;page_size=&amp;continuation=</c>: one page of the school's items in one state (communications, privacy).</summary>
    [Function(nameof(ListItems))]
    public Task<IResult> ListItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/items")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.ListItems(request.HttpContext, school, request.Query["state"], request.Query["channel"], request.Query["page_size"], request.Query["continuation"], access, api, cancellationToken);

    /// <summary><c>GET me</c>: who the caller is and what they may in which school (401 without a signed-in user).</summary>
    [Function(nameof(Me))]
    public Task<IResult> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me")] HttpRequest request) =>
        MediaGateApi.Me(request.HttpContext, access);

    /// <summary><c>PUT schools/{school}/consent/{subjectId}</c>: adds or replaces a record (JSON), checked as a CSV row is; the history is kept and the subject's items are queued for re-screening (privacy).</summary>
    [Function(nameof(PutConsent))]
    public Task<IResult> PutConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/schools/{school}/consent/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        MediaGateApi.PutConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);

    /// <summary><c>POST schools/{school}/items/{itemKey}/rescreen</c>: screens one item again now (communications, privacy).</summary>
    [Function(nameof(RescreenItem))]
    public Task<IResult> RescreenItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/schools/{school}/items/{itemKey}/rescreen")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken) =>
        MediaGateApi.RescreenItem(request.HttpContext, school, itemKey, access, api, cancellationToken);

    /// <summary><c>POST schools/{school}/consent/{subjectId}/withdraw</c>: withdraws a consent (today, or withdrawn_on in the body) and queues the take-down of its items (privacy).</summary>
    [Function(nameof(WithdrawConsent))]
    public Task<IResult> WithdrawConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/schools/{school}/consent/{subjectId}/withdraw")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        MediaGateApi.WithdrawConsent(request.HttpContext, school, subjectId, access, api, cancellationToken);

    /// <summary><c>GET schools/{school}/items/{itemKey}/preview</c>: a small JPEG of the item as decided, without metadata (as its state allows the caller).</summary>
    [Function(nameof(ItemPreview))]
    public Task<IResult> ItemPreview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/items/{itemKey}/preview")] HttpRequest request,
        string school,
        string itemKey,
        CancellationToken cancellationToken) =>
        MediaGateApi.ItemPreview(request.HttpContext, school, itemKey, access, previews, uploads, cancellationToken);

    /// <summary><c>POST schools/{school}/uploads</c>: a short-lived URL to upload one new file into the school's upload area (teacher).</summary>
    [Function(nameof(CreateUpload))]
    public Task<IResult> CreateUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/schools/{school}/uploads")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.CreateUpload(request.HttpContext, school, access, uploads, cancellationToken);

    /// <summary><c>GET schools/{school}/uploads/mine</c>: the caller's uploads with their outcomes, newest first (teacher).</summary>
    [Function(nameof(MyUploads))]
    public Task<IResult> MyUploads(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/schools/{school}/uploads/mine")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGateApi.MyUploads(request.HttpContext, school, access, uploads, cancellationToken);
}
