using System.Net;
using System.Text.Encodings.Web;
using Kalisto.MediaGate.Access;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>The development sign-in of <c>mediagate serve</c>: a page to choose a role and a school, or one fixed user.</summary>
public static class DevelopmentSignInDefaults
{
    public const string Scheme = "Development";

    /// <summary>The cookie scheme that keeps the user chosen on the sign-in page.</summary>
    public const string CookieScheme = "DevelopmentCookie";

    /// <summary>The sign-in page, where App Service Authentication has its own (<c>/.auth/login/aad</c>).</summary>
    public const string SignInPath = "/.auth/login/dev";

    public const string SignOutPath = "/.auth/logout";
}

/// <summary>What the development sign-in signs in.</summary>
public sealed class DevelopmentSignInOptions : AuthenticationSchemeOptions
{
    /// <summary>The one user every request is (<c>--dev-user</c>); null to use the sign-in page.</summary>
    public DevelopmentUser? FixedUser { get; set; }
}

/// <summary>
/// Signs in the development user: the fixed one, else the one chosen on the sign-in page (a cookie). Only for a
/// request from this machine: one from elsewhere has no user, whatever it carries (the host listens on loopback
/// only; this is the second lock).
/// </summary>
public sealed class DevelopmentSignInHandler(IOptionsMonitor<DevelopmentSignInOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<DevelopmentSignInOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return AuthenticateResult.Fail("The development sign-in serves this machine only.");
        }

        var user = Options.FixedUser;
        if (user is null)
        {
            var cookie = await Context.AuthenticateAsync(DevelopmentSignInDefaults.CookieScheme);
            if (!cookie.Succeeded || !DevelopmentUser.TryParse(cookie.Principal.FindFirst(Callers.GrantClaim)?.Value, out user))
            {
                return AuthenticateResult.NoResult();
            }
        }

        return AuthenticateResult.Success(new AuthenticationTicket(user.Principal(), Scheme.Name));
    }
}

/// <summary>The development sign-in's services and its page.</summary>
public static class DevelopmentSignIn
{
    /// <summary>
    /// Makes the development sign-in the way requests are signed in (instead of App Service Authentication): every
    /// request is <paramref name="fixedUser"/>, or, without one, the user chosen on <see cref="DevelopmentSignInDefaults.SignInPath"/>.
    /// Keys for the cookie live in memory: a restart signs everyone out.
    /// </summary>
    public static IServiceCollection AddMediaGateDevelopmentSignIn(this IServiceCollection services, DevelopmentUser? fixedUser)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "mediagate-dev-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = DevelopmentSignInDefaults.Scheme;
                o.DefaultAuthenticateScheme = DevelopmentSignInDefaults.Scheme;
            })
            .AddScheme<DevelopmentSignInOptions, DevelopmentSignInHandler>(DevelopmentSignInDefaults.Scheme, o => o.FixedUser = fixedUser)
            .AddCookie(DevelopmentSignInDefaults.CookieScheme, o =>
            {
                o.Cookie.Name = "mediagate-dev-user";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.None; // plain HTTP on loopback
                o.LoginPath = DevelopmentSignInDefaults.SignInPath;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        return services;
    }

    /// <summary>Maps the sign-in page (GET shows it, POST signs in) and sign-out.</summary>
    public static IEndpointRouteBuilder MapDevelopmentSignIn(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(DevelopmentSignInDefaults.SignInPath, (HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<DevelopmentSignInOptions> options, string? returnUrl) =>
            Page(antiforgery.GetAndStoreTokens(context), options.Get(DevelopmentSignInDefaults.Scheme).FixedUser, LocalUrl(returnUrl), error: null));
        endpoints.MapPost(DevelopmentSignInDefaults.SignInPath, SignInAsync);
        endpoints.MapPost(DevelopmentSignInDefaults.SignOutPath, (Delegate)SignOutAsync);
        endpoints.MapGet(DevelopmentSignInDefaults.SignOutPath, (Delegate)SignOutAsync);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<DevelopmentSignInOptions> options)
    {
        if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            return TypedResults.Problem("The development sign-in serves this machine only.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (!context.Request.HasFormContentType)
        {
            return TypedResults.Problem("Send the sign-in form.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.Problem("The form is out of date; open the sign-in page again.", statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = LocalUrl(form["returnUrl"]);
        if (!DevelopmentUser.TryParse($"{form["role"]}@{form["school"]}".TrimEnd('@'), out var user, out var error))
        {
            return Page(antiforgery.GetAndStoreTokens(context), options.Get(DevelopmentSignInDefaults.Scheme).FixedUser, returnUrl, error, StatusCodes.Status400BadRequest);
        }

        await context.SignInAsync(DevelopmentSignInDefaults.CookieScheme, user.Principal());
        return TypedResults.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(DevelopmentSignInDefaults.CookieScheme);
        return TypedResults.Redirect(DevelopmentSignInDefaults.SignInPath);
    }

    /// <summary>Where to go after signing in: a path on this host only (never another site: no <c>//host</c>, no <c>/\host</c>).</summary>
    internal static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";

    private static ContentHttpResult Page(AntiforgeryTokenSet tokens, DevelopmentUser? fixedUser, string returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var html = HtmlEncoder.Default;
        var roles = string.Concat(RoleNames.All.Select(r => $"<option value=\"{r}\">{r}</option>"));
        var note = fixedUser is null
            ? string.Empty
            : $"<p role=\"status\">This server was started with <code>--dev-user {html.Encode(fixedUser.ToString())}</code>: every request is that user, whatever is chosen here.</p>";
        var problem = error is null ? string.Empty : $"<p role=\"alert\">{html.Encode(error)}</p>";
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>MediaGate development sign-in</title>
            <style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}label{display:block;margin-top:1rem}input,select,button{font:inherit;padding:.4rem;margin-top:.25rem;width:100%;box-sizing:border-box}button{margin-top:1.5rem;background:#1f4e8c;color:#fff;border:0}p[role=alert]{color:#8b0000}</style></head>
            <body>
            <main>
            <h1>MediaGate development sign-in</h1>
            <p>For trying MediaGate on this machine: choose a role and a school. In Azure, people sign in with their school account instead.</p>
            {{note}}{{problem}}
            <form method="post" action="{{DevelopmentSignInDefaults.SignInPath}}">
            <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
            <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}">
            <label for="role">Role</label><select id="role" name="role">{{roles}}</select>
            <label for="school">School (a school code such as de-wilg; * for every school; none for admin)</label><input id="school" name="school" autocomplete="off" pattern="[a-zA-Z0-9\-\*]*">
            <button type="submit">Sign in</button>
            </form>
            </main>
            </body>
            </html>
            """;
        return TypedResults.Content(page, "text/html; charset=utf-8", statusCode: status);
    }
}
