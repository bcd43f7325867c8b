using System.Globalization;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Consent;
using Kalisto.MediaGate.Decisions;
using Kalisto.MediaGate.Web.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Web.Pages;

/// <summary>
/// The door of every page, as <see cref="ApiAccess"/> is of the API and with the same sign-in and checks: without a
/// session the browser is sent to sign in (and back); outside the caller's schools or role the page says so (403).
/// Chooses the language: <c>?lang=nl|en</c> (kept in a cookie), else the cookie, else Dutch.
/// </summary>
public sealed class PageAccess(ApiAccess access, IOptions<PageOptions> options)
{
    /// <summary>The cookie that keeps the language chosen.</summary>
    public const string LanguageCookie = "mediagate-lang";

    /// <summary>Renders a page of <paramref name="school"/> for a caller with <paramref name="permission"/> there.</summary>
    public async Task<IResult> SchoolPageAsync(HttpContext context, string? school, Permission permission, Func<PageFrame, Task<IResult>> page)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(page);
        if (await access.CallerAsync(context) is not { } caller)
        {
            return SignIn(context);
        }

        var language = Language(context);
        var code = ConsentFields.NormaliseSchool(school);
        if (!ConsentFields.IsSchoolCode(code) || !AccessCheck.IsAllowed(caller, code, permission))
        {
            return Forbidden(new PageFrame(caller, string.Empty, language, new HashSet<Permission>(), PathOf(context)), school);
        }

        return await page(new PageFrame(caller, code, language, AccessCheck.PermissionsIn(caller, code), PathOf(context)));
    }

    /// <summary>Renders a page of no school (the start, the school chooser) for any signed-in caller.</summary>
    public async Task<IResult> PageAsync(HttpContext context, Func<PageFrame, Task<IResult>> page)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(page);
        return await access.CallerAsync(context) is { } caller
            ? await page(new PageFrame(caller, string.Empty, Language(context), new HashSet<Permission>(), PathOf(context)))
            : SignIn(context);
    }

    /// <summary>The page's language: <c>?lang=</c> (and remembered), else the cookie, else Dutch.</summary>
    public static CultureInfo Language(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var asked = context.Request.Query["lang"].ToString();
        if (asked is "nl" or "en")
        {
            context.Response.Cookies.Append(LanguageCookie, asked, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
                Path = "/",
            });
            return asked == "en" ? ReasonTexts.English : ReasonTexts.Dutch;
        }

        return context.Request.Cookies[LanguageCookie] == "en" ? ReasonTexts.English : ReasonTexts.Dutch;
    }

    private RedirectHttpResult SignIn(HttpContext context) =>
        TypedResults.Redirect(string.Format(CultureInfo.InvariantCulture, options.Value.SignInPath, Uri.EscapeDataString(PathOf(context))));

    private static IResult Forbidden(PageFrame frame, string? school) =>
        new RazorComponentResult<NotAllowedPage>(new Dictionary<string, object?> { ["Frame"] = frame, ["School"] = Api.SchoolApi.Shown(school) })
        {
            StatusCode = StatusCodes.Status403Forbidden,
        };

    private static string PathOf(HttpContext context) => $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
}
