using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Web.Api;
using Kalisto.MediaGate.Web.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Kalisto.MediaGate.Functions.Http;

/// <summary>
/// The web app's pages (README "Use it") under <c>/app</c>: one function per page, each calling the web layer's one
/// handler of that page (<see cref="MediaGatePages"/>), which <c>mediagate serve</c> calls too. Anonymous to the
/// Functions host; App Service Authentication sends a browser without a session to the sign-in first, and every page
/// checks the caller itself (<see cref="PageAccess"/>).
/// </summary>
public sealed class HttpPages(PageAccess pages, UploadApi uploads, SchoolApi api, ConsentOptions options, ItemCatalog catalog, TimeProvider clock)
{
    [Function(nameof(StartPage))]
    public Task<IResult> StartPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app")] HttpRequest request) =>
        MediaGatePages.Start(request.HttpContext, pages);

    [Function(nameof(PageAsset))]
    public IResult PageAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/assets/{name}")] HttpRequest request,
        string name) =>
        MediaGatePages.Asset(name);

    [Function(nameof(SchoolsPage))]
    public Task<IResult> SchoolsPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/schools")] HttpRequest request) =>
        MediaGatePages.Schools(request.HttpContext, pages);

    [Function(nameof(OpenSchoolPage))]
    public IResult OpenSchoolPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/open")] HttpRequest request) =>
        MediaGatePages.Open(request.Query["school"]);

    [Function(nameof(SchoolPage))]
    public Task<IResult> SchoolPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}")] HttpRequest request,
        string school) =>
        MediaGatePages.SchoolStart(request.HttpContext, school, pages);

    [Function(nameof(UploadPage))]
    public Task<IResult> UploadPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/upload")] HttpRequest request,
        string school) =>
        MediaGatePages.Upload(request.HttpContext, school, pages);

    [Function(nameof(MyUploadsPage))]
    public Task<IResult> MyUploadsPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/mine")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.Mine(request.HttpContext, school, pages, uploads, cancellationToken);

    [Function(nameof(MyUploadsList))]
    public Task<IResult> MyUploadsList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/mine/list")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.MineList(request.HttpContext, school, pages, uploads, cancellationToken);

    [Function(nameof(GalleryPage))]
    public Task<IResult> GalleryPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/gallery")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.Gallery(request.HttpContext, school, request.Query["channel"], request.Query["folder"], request.Query["from"], request.Query["to"], request.Query["continuation"], request.Query["zip"], request.Query["download"], pages, api, options, cancellationToken);

    [Function(nameof(GalleryZip))]
    public Task<IResult> GalleryZip(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/gallery/zip")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.GalleryZip(request.HttpContext, school, request.Query["channel"], request.Query["key"].ToArray()!, request.Query["folder"], request.Query["from"], request.Query["to"], pages, api, cancellationToken);

    [Function(nameof(GalleryDownload))]
    public Task<IResult> GalleryDownload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/gallery/download")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.GalleryDownload(request.HttpContext, school, request.Query["channel"], request.Query["key"], request.Query["folder"], request.Query["from"], request.Query["to"], pages, api, cancellationToken);

    [Function(nameof(ReviewPage))]
    public Task<IResult> ReviewPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/review")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.Review(request.HttpContext, school, pages, api, cancellationToken);

    [Function(nameof(RegisterPage))]
    public Task<IResult> RegisterPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/register")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.Register(request.HttpContext, school, request.Query["q"], pages, api, options, clock, cancellationToken);

    [Function(nameof(ImportPage))]
    public Task<IResult> ImportPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/register/import")] HttpRequest request,
        string school) =>
        MediaGatePages.Import(request.HttpContext, school, pages);

    [Function(nameof(SubjectPage))]
    public Task<IResult> SubjectPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/register/{subjectId}")] HttpRequest request,
        string school,
        string subjectId,
        CancellationToken cancellationToken) =>
        MediaGatePages.SubjectRecord(request.HttpContext, school, subjectId, pages, api, catalog, options, clock, cancellationToken);

    [Function(nameof(AuditPage))]
    public Task<IResult> AuditPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{school}/audit")] HttpRequest request,
        string school,
        CancellationToken cancellationToken) =>
        MediaGatePages.Audit(request.HttpContext, school, request.Query["from"], request.Query["to"], pages, api, options, clock, cancellationToken);
}
