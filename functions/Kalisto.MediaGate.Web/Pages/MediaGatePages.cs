using System.Collections.Frozen;
using System.Globalization;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Storage.Tables;
using Kalisto.MediaGate.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Kalisto.MediaGate.Web.Pages;

/// <summary>
/// The web app's pages (SPEC §10), server-rendered Razor components (<see cref="RazorComponentResult"/>) under
/// <see cref="Root"/>, and their few scripts; one handler per page, which both hosts call (the Functions app's triggers
/// and <c>mediagate serve</c>), each through <see cref="PageAccess"/>.
/// </summary>
public static class MediaGatePages
{
    public const string Root = "/app";

    /// <summary>The pages' own files (embedded in this assembly): name → media type.</summary>
    private static readonly FrozenDictionary<string, string> Assets = new Dictionary<string, string>
    {
        ["mediagate.css"] = "text/css; charset=utf-8",
        ["upload.js"] = "text/javascript; charset=utf-8",
        ["live.js"] = "text/javascript; charset=utf-8",
        ["review.js"] = "text/javascript; charset=utf-8",
        ["withdraw.js"] = "text/javascript; charset=utf-8",
        ["consent.js"] = "text/javascript; charset=utf-8",
        ["import.js"] = "text/javascript; charset=utf-8",
        ["gallery.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Maps every page under <see cref="Root"/>, each named as its Functions trigger.</summary>
    public static IEndpointRouteBuilder MapMediaGatePages(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Root, Start).WithName("StartPage");
        endpoints.MapGet(Root + "/assets/{name}", Asset).WithName("PageAsset");
        endpoints.MapGet(Root + "/schools", Schools).WithName("SchoolsPage");
        endpoints.MapGet(Root + "/open", Open).WithName("OpenSchoolPage");
        endpoints.MapGet(Root + "/{school}", SchoolStart).WithName("SchoolPage");
        endpoints.MapGet(Root + "/{school}/upload", Upload).WithName("UploadPage");
        endpoints.MapGet(Root + "/{school}/mine", Mine).WithName("MyUploadsPage");
        endpoints.MapGet(Root + "/{school}/mine/list", MineList).WithName("MyUploadsList");
        endpoints.MapGet(Root + "/{school}/gallery", Gallery).WithName("GalleryPage");
        endpoints.MapGet(Root + "/{school}/gallery/zip", GalleryZip).WithName("GalleryZip");
        endpoints.MapGet(Root + "/{school}/gallery/download", GalleryDownload).WithName("GalleryDownload");
        endpoints.MapGet(Root + "/{school}/review", Review).WithName("ReviewPage");
        endpoints.MapGet(Root + "/{school}/register", Register).WithName("RegisterPage");
        // The literal segment wins over {subjectId} (and no subject ID pattern matches "import").
        endpoints.MapGet(Root + "/{school}/register/import", Import).WithName("ImportPage");
        endpoints.MapGet(Root + "/{school}/register/{subjectId}", SubjectRecord).WithName("SubjectPage");
        endpoints.MapGet(Root + "/{school}/audit", Audit).WithName("AuditPage");
        return endpoints;
    }

    /// <summary>The start: the caller's one school, or the school chooser when they have several (or every one).</summary>
    public static Task<IResult> Start(HttpContext context, PageAccess pages) =>
        pages.PageAsync(context, frame =>
        {
            var schools = frame.Caller.Grants.Select(g => g.School).Distinct().ToList();
            return Task.FromResult<IResult>(schools is [var only] && only != SchoolRole.AllSchools
                ? TypedResults.Redirect($"{Root}/{only}")
                : TypedResults.Redirect($"{Root}/schools"));
        });

    public static Task<IResult> Schools(HttpContext context, PageAccess pages) =>
        pages.PageAsync(context, frame => Task.FromResult<IResult>(Component<SchoolsPage>(new()
        {
            ["Frame"] = frame,
            ["Schools"] = frame.Caller.Grants.Select(g => g.School).Where(s => s != SchoolRole.AllSchools).Distinct().Order(StringComparer.Ordinal).ToList(),
            ["AllSchools"] = frame.Caller.Grants.Any(g => g.School == SchoolRole.AllSchools),
        })));

    /// <summary>The chooser's form: goes to the school typed (its page checks access as always).</summary>
    public static IResult Open(string? school) =>
        TypedResults.Redirect($"{Root}/{Uri.EscapeDataString(Consent.ConsentFields.NormaliseSchool(school))}");

    /// <summary>A school's first page: what the caller's role there starts with.</summary>
    public static Task<IResult> SchoolStart(HttpContext context, string school, PageAccess pages) =>
        pages.PageAsync(context, frame =>
        {
            var may = AccessCheck.PermissionsIn(frame.Caller, school);
            var first = may.Contains(Permission.ReadRegister) ? "register"
                : may.Contains(Permission.ReadItems) ? "gallery"
                : may.Contains(Permission.UploadMedia) ? "upload"
                : "upload"; // the page itself then says the caller may not
            return Task.FromResult<IResult>(TypedResults.Redirect($"{Root}/{Consent.ConsentFields.NormaliseSchool(school)}/{first}"));
        });

    public static Task<IResult> Upload(HttpContext context, string school, PageAccess pages) =>
        pages.SchoolPageAsync(context, school, Permission.UploadMedia, frame => Task.FromResult<IResult>(Component<UploadPage>(new() { ["Frame"] = frame })));

    public static Task<IResult> Mine(HttpContext context, string school, PageAccess pages, UploadApi uploads, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadOwnUploads, async frame =>
            Component<MyUploadsPage>(new() { ["Frame"] = frame, ["Uploads"] = await MineAsync(frame, uploads, cancellationToken) }));

    /// <summary>The list of <see cref="Mine"/> alone, for the page's script to refresh it.</summary>
    public static Task<IResult> MineList(HttpContext context, string school, PageAccess pages, UploadApi uploads, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadOwnUploads, async frame =>
            Component<MyUploadsList>(new() { ["Frame"] = frame, ["Uploads"] = await MineAsync(frame, uploads, cancellationToken) }));

    /// <summary>
    /// The published items of one channel (default the first), optionally of one folder and decided from and to a day
    /// (yyyy-MM-dd, both inclusive, days in the school's time zone as the rest of the app has them), a page at a time.
    /// A date that is none, or a "to" before "from", is said on the page, which then lists nothing. With
    /// <paramref name="zip"/> or <paramref name="download"/> (set by <see cref="GalleryZip"/> and
    /// <see cref="GalleryDownload"/> when they send the browser back), why the zip or download was not handed out.
    /// </summary>
    public static Task<IResult> Gallery(HttpContext context, string school, string? channel, string? folder, string? from, string? to, string? continuation, string? zip, string? download, PageAccess pages, SchoolApi api, [FromServices] ConsentOptions options, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadItems, async frame =>
        {
            var channels = options.ChannelSet();
            var chosen = channels.Contains(channel?.Trim().ToLowerInvariant() ?? string.Empty) ? channel!.Trim().ToLowerInvariant() : channels[0];
            var wanted = (folder ?? string.Empty).Trim().Trim('/');
            var (fromText, toText) = (from?.Trim() ?? string.Empty, to?.Trim() ?? string.Empty);
            var problems = new List<string>();
            var first = GalleryDate(fromText, frame.T("gallery.from"), frame, problems);
            var last = GalleryDate(toText, frame.T("gallery.to"), frame, problems);
            if (first is { } f && last is { } l && l < f)
            {
                problems.Add(frame.T("gallery.badPeriod", ConsentFields.Format(l), ConsentFields.Format(f)));
            }

            IReadOnlyList<ItemResource> listed = [];
            string? next = null;
            if (problems.Count == 0)
            {
                (listed, next) = await GalleryItemsAsync(
                    continuation,
                    async (state, at) => (await api.ListItemsAsync(frame.School, state, chosen, "200", at, cancellationToken)).Result is Ok<ItemPageResource> { Value: { } page } ? page : null,
                    i => (wanted.Length == 0 || i.Path.StartsWith($"{frame.School}/{wanted}/", StringComparison.Ordinal)) && DecidedWithin(i, first, last, options));
            }

            var items = listed;

            return Component<GalleryPage>(new()
            {
                ["Frame"] = frame,
                ["Channels"] = channels,
                ["Channel"] = chosen,
                ["Folder"] = wanted,
                ["From"] = fromText,
                ["To"] = toText,
                ["Problems"] = problems,
                ["Refused"] = zip is "none" or "many" or "gone" ? frame.T("gallery.zip." + zip, Api.SchoolApi.MaxZipItems)
                    : download is "gone" or "changed" or "bad" ? frame.T("gallery.download." + download)
                    : null,
                ["Items"] = items.OrderBy(i => i.Path, StringComparer.Ordinal).ToList(),
                ["Next"] = next,
            });
        });

    /// <summary>
    /// The gallery's selection as a zip (the API's, <see cref="SchoolApi.DownloadZipAsync"/>), or, when it cannot be
    /// made (nothing ticked, too many, an item no longer published there), back to the gallery saying so in words.
    /// </summary>
    public static Task<IResult> GalleryZip(HttpContext context, string school, string? channel, [FromQuery(Name = "key")] string[]? keys, string? folder, string? from, string? to, PageAccess pages, SchoolApi api, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.DownloadApproved, async frame =>
        {
            var chosen = keys ?? [];
            if ((await api.DownloadZipAsync(frame.School, chosen, channel, cancellationToken)).Result is ItemsZipResult zip)
            {
                return zip;
            }

            var why = chosen.Length == 0 ? "none" : chosen.Length > Api.SchoolApi.MaxZipItems ? "many" : "gone";
            return BackToGallery(frame, channel, folder, from, to, ("zip", why));
        });

    /// <summary>
    /// One item of the gallery: exactly what the API's single download hands out (<see cref="SchoolApi.DownloadAsync"/>),
    /// or, when it hands out nothing (the item withdrawn or its channel dropped since the gallery was shown, or changed
    /// while it was read, or a link that names no item or channel), back to the gallery, with the channel and filters
    /// the link carries, saying so in words.
    /// </summary>
    public static Task<IResult> GalleryDownload(HttpContext context, string school, string? channel, string? key, string? folder, string? from, string? to, PageAccess pages, SchoolApi api, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.DownloadApproved, async frame =>
        {
            var answer = (await api.DownloadAsync(frame.School, key ?? string.Empty, channel, cancellationToken)).Result;
            if (answer is FileStreamHttpResult file)
            {
                return file;
            }

            var why = answer switch
            {
                ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } => "changed",
                ProblemHttpResult => "gone",
                _ => "bad",
            };
            return BackToGallery(frame, channel, folder, from, to, ("download", why));
        });

    /// <summary>The states the gallery shows, in the order it pages through them.</summary>
    private static readonly string[] GalleryStates = ["approved", "redacted"];

    /// <summary>
    /// One page of the gallery's items that <paramref name="keep"/> keeps (the folder and days asked for): the states
    /// in turn, approved, then redacted, each listed page by page by <paramref name="list"/> (a state and that state's
    /// own continuation, null from its start; null when the listing gives nothing), until <paramref name="enough"/>
    /// are kept or <paramref name="lists"/> listings were made, so a filter that keeps few items does not leave a
    /// short page with "more" after it. The page's continuation is the state it stopped in and that state's
    /// continuation ("approved:…"), so going on with it lists every item once; one that names no state of the gallery
    /// (an old or altered address) starts over, never fails.
    /// </summary>
    internal static async Task<(IReadOnlyList<ItemResource> Items, string? Next)> GalleryItemsAsync(
        string? continuation, Func<string, string?, Task<ItemPageResource?>> list, Func<ItemResource, bool> keep, int enough = 200, int lists = 10)
    {
        var colon = continuation?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var (resumeState, resumeAt) = colon > 0 && GalleryStates.Contains(continuation![..colon], StringComparer.Ordinal)
            ? (continuation[..colon], continuation[(colon + 1)..])
            : (GalleryStates[0], null);
        var items = new List<ItemResource>();
        var listed = 0;
        foreach (var state in GalleryStates.SkipWhile(s => s != resumeState))
        {
            var at = state == resumeState ? resumeAt : null;
            do
            {
                if (await list(state, at) is not { } page)
                {
                    break;
                }

                listed++;
                items.AddRange(page.Items.Where(keep));
                at = page.Next;
                if (at is not null && (items.Count >= enough || listed >= lists))
                {
                    return (items, $"{state}:{at}");
                }
            }
            while (at is not null);
        }

        return (items, null);
    }

    /// <summary>Back to the gallery with the channel and filters it was shown with, saying why with <paramref name="why"/>.</summary>
    private static RedirectHttpResult BackToGallery(PageFrame frame, string? channel, string? folder, string? from, string? to, (string Name, string? Value) why) =>
        TypedResults.Redirect(Address($"{frame.SchoolRoot}/gallery", [("channel", channel), .. GalleryFilters(folder, from, to), why]));

    /// <summary>The gallery's filters as query parameters, in the order its addresses give them.</summary>
    internal static (string Name, string? Value)[] GalleryFilters(string? folder, string? from, string? to) =>
        [("folder", folder), ("from", from), ("to", to)];

    /// <summary><paramref name="path"/> with the query of <paramref name="parameters"/> that have a value, trimmed and escaped, in their order.</summary>
    internal static string Address(string path, IEnumerable<(string Name, string? Value)> parameters) =>
        $"{path}?{string.Join('&', parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!.Trim())}"))}";

    /// <summary>A gallery filter's day: none when empty; when it is no date yyyy-MM-dd, none and a problem said in the page's words.</summary>
    private static DateOnly? GalleryDate(string value, string label, PageFrame frame, List<string> problems)
    {
        var valid = true;
        var date = ConsentFields.Date(value, label, required: false, (_, _) => valid = false);
        if (!valid)
        {
            problems.Add(frame.T("gallery.badDate", label, Api.SchoolApi.Shown(value)));
        }

        return valid ? date : null;
    }

    /// <summary>Whether the item was decided on a day from <paramref name="first"/> to <paramref name="last"/> (either open) in the school's time zone.</summary>
    private static bool DecidedWithin(ItemResource item, DateOnly? first, DateOnly? last, ConsentOptions options)
    {
        if (first is null && last is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(item.DecidedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var decided))
        {
            return false;
        }

        var day = options.Today(decided);
        return (first is not { } f || day >= f) && (last is not { } l || day <= l);
    }

    /// <summary>The review list: quarantined items, with the reasons.</summary>
    public static Task<IResult> Review(HttpContext context, string school, PageAccess pages, SchoolApi api, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadQuarantine, async frame =>
        {
            var items = (await api.ListItemsAsync(frame.School, "quarantined", null, "500", null, cancellationToken)).Result is Ok<ItemPageResource> { Value: { } page }
                ? page.Items
                : [];
            return Component<ReviewPage>(new() { ["Frame"] = frame, ["Items"] = items });
        });

    /// <summary>The register, optionally searched.</summary>
    /// <summary>The register, optionally searched; for who may change it, the form to add a person.</summary>
    public static Task<IResult> Register(HttpContext context, string school, [FromQuery(Name = "q")] string? search, PageAccess pages, SchoolApi api, [FromServices] ConsentOptions options, [FromServices] TimeProvider clock, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadRegister, async frame =>
        {
            var records = (await api.ListConsentAsync(frame.School, search, cancellationToken)).Result is Ok<List<ConsentResource>> { Value: { } found } ? found : [];
            return Component<RegisterPage>(new()
            {
                ["Frame"] = frame,
                ["Search"] = search?.Trim() ?? string.Empty,
                ["Records"] = records,
                ["Channels"] = options.ChannelSet(),
                ["Today"] = ConsentFields.Format(options.Today(clock.GetUtcNow())),
            });
        });

    /// <summary>The CSV import of the register: the page's script sends the file to the API and shows its answer.</summary>
    public static Task<IResult> Import(HttpContext context, string school, PageAccess pages) =>
        pages.SchoolPageAsync(context, school, Permission.ImportConsent, frame => Task.FromResult<IResult>(Component<ImportPage>(new() { ["Frame"] = frame })));

    /// <summary>
    /// The audit export: a period (by default the last 30 days up to today, in the school's time zone); with
    /// <paramref name="from"/> and <paramref name="to"/> the CSV of it (the API's), or the form again saying what is wrong.
    /// </summary>
    public static Task<IResult> Audit(HttpContext context, string school, string? from, string? to, PageAccess pages, SchoolApi api, [FromServices] ConsentOptions options, [FromServices] TimeProvider clock, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ExportAudit, async frame =>
        {
            var asked = from is not null || to is not null;
            if (asked && (await api.ExportAuditAsync(frame.School, from, to, cancellationToken)).Result is FileContentHttpResult csv)
            {
                return csv;
            }

            var today = options.Today(clock.GetUtcNow());
            var page = Component<AuditPage>(new()
            {
                ["Frame"] = frame,
                ["From"] = asked ? from?.Trim() ?? string.Empty : ConsentFields.Format(today.AddDays(-(AuditPage.DefaultDays - 1))),
                ["To"] = asked ? to?.Trim() ?? string.Empty : ConsentFields.Format(today),
                ["Invalid"] = asked,
            });
            if (asked)
            {
                page.StatusCode = StatusCodes.Status400BadRequest;
            }

            return page;
        });

    /// <summary>One record with its history, and how many published items a withdrawal (or a narrower consent) would take down.</summary>
    public static Task<IResult> SubjectRecord(HttpContext context, string school, string subjectId, PageAccess pages, SchoolApi api, [FromServices] ItemCatalog catalog, [FromServices] ConsentOptions options, [FromServices] TimeProvider clock, CancellationToken cancellationToken) =>
        pages.SchoolPageAsync(context, school, Permission.ReadRegister, async frame =>
        {
            var record = (await api.GetConsentAsync(frame.School, subjectId, cancellationToken)).Result is Ok<ConsentResource> { Value: { } r } ? r : null;
            var history = record is not null && frame.Permissions.Contains(Permission.ReadHistory)
                && (await api.ConsentHistoryAsync(frame.School, subjectId, cancellationToken)).Result is Ok<List<ConsentChangeResource>> { Value: { } h } ? h : [];
            var published = 0;
            if (record is not null)
            {
                foreach (var key in await catalog.ItemsOfSubjectAsync(frame.School, record.SubjectId, cancellationToken))
                {
                    if ((await catalog.GetAsync(frame.School, key, cancellationToken))?.State is { } item
                        && options.ChannelSet().Any(c => Storage.Pipeline.PublishedCopies.Publishes(item, c)))
                    {
                        published++;
                    }
                }
            }

            return Component<SubjectPage>(new()
            {
                ["Frame"] = frame,
                ["Subject"] = Api.SchoolApi.Shown(subjectId),
                ["Record"] = record,
                ["History"] = history,
                ["Published"] = published,
                ["Channels"] = options.ChannelSet(),
                ["Today"] = ConsentFields.Format(options.Today(clock.GetUtcNow())),
                ["Zone"] = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone),
            });
        });

    /// <summary>One of the pages' own files; 404 for any other name.</summary>
    public static IResult Asset(string name)
    {
        if (!Assets.TryGetValue(name ?? string.Empty, out var type)
            || typeof(MediaGatePages).Assembly.GetManifestResourceStream($"Kalisto.MediaGate.Web.Pages.Assets.{name}") is not { } stream)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Stream(stream, type);
    }

    private static async Task<IReadOnlyList<MyUploadResource>> MineAsync(PageFrame frame, UploadApi uploads, CancellationToken cancellationToken) =>
        (await uploads.MyUploadsAsync(frame.School, frame.Caller, cancellationToken)).Result is Ok<List<MyUploadResource>> ok ? ok.Value! : [];

    private static RazorComponentResult Component<T>(Dictionary<string, object?> parameters)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<T>(parameters) { ContentType = "text/html; charset=utf-8" };
}
