using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Consent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>
/// The one door of every API request, in both hosts (the Functions app's triggers and <c>mediagate serve</c>): signs the
/// request in with the host's scheme (App Service Authentication, or the development sign-in), answers 401 without a
/// user, 400 for an address that names no school code, asks ASP.NET Core's authorization for the permission in the route's school (<see cref="SchoolPermissionHandler"/>)
/// and answers 403 when refused; only then runs the handler, with the caller (who changed a record is that user).
/// Logs the permission and the school of a refusal, never who.
/// </summary>
public sealed partial class ApiAccess(IAuthorizationService authorization, IOptionsMonitor<AccessOptions> access, ILogger<ApiAccess> logger)
{
    /// <summary>The caller of the request, or null (401) when no scheme signs it in.</summary>
    public async Task<MediaGateCaller?> CallerAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync();
        if (!result.Succeeded)
        {
            return null;
        }

        context.User = result.Principal;
        return Callers.From(result.Principal, access.CurrentValue);
    }

    /// <summary>Runs <paramref name="handler"/> for the caller when they have <paramref name="permission"/> in <paramref name="school"/>.</summary>
    public Task<IResult> RunAsync(HttpContext context, string? school, Permission permission, Func<MediaGateCaller, Task<IResult>> handler) =>
        RunAsync(context, school, [permission], handler);

    /// <summary>
    /// Runs <paramref name="handler"/> for the caller when they have at least one of <paramref name="anyOf"/> in
    /// <paramref name="school"/>: for a route whose item decides which one counts (a preview), where the handler checks that one.
    /// </summary>
    public async Task<IResult> RunAsync(HttpContext context, string? school, IReadOnlyList<Permission> anyOf, Func<MediaGateCaller, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        ArgumentNullException.ThrowIfNull(handler);
        var caller = await CallerAsync(context);
        if (caller is null)
        {
            LogRefused(anyOf[0], 401);
            return Unauthenticated();
        }

        if (FromAnotherSite(context.Request))
        {
            LogRefused(anyOf[0], 403);
            return TypedResults.Problem(
                "A change can only be asked for from MediaGate's own pages or by a client that is not a browser on another site.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not allowed");
        }

        if (!ConsentFields.IsSchoolCode(ConsentFields.NormaliseSchool(school)))
        {
            // A client's mistake, not a permission: said as such (and only to someone signed in).
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["school"] = [$"'{Api.SchoolApi.Shown(school)}' is not a school code (lower-case letters, digits and '-')"] },
                "The address names no valid school.",
                title: "The request is not valid.");
        }

        foreach (var permission in anyOf)
        {
            if ((await authorization.AuthorizeAsync(context.User, school ?? string.Empty, new SchoolPermissionRequirement(permission))).Succeeded)
            {
                return await handler(caller);
            }
        }

        LogRefused(anyOf[0], 403);
        return Forbidden(school, anyOf[0]);
    }

    /// <summary>
    /// Whether a request that changes something was sent by a browser from another site (cross-site request forgery:
    /// a page elsewhere making a signed-in user's browser withdraw or import). Browsers say where a request comes from
    /// (<c>Sec-Fetch-Site</c>, <c>Origin</c>); scripts and services send neither and are not affected. Reading requests
    /// are not refused: another site cannot read their answers.
    /// </summary>
    public static bool FromAnotherSite(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site)
        {
            return site is not ("same-origin" or "none");
        }

        return request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Runs <paramref name="handler"/> for any signed-in caller (what the caller may, for instance).</summary>
    public async Task<IResult> RunSignedInAsync(HttpContext context, Func<MediaGateCaller, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return await CallerAsync(context) is { } caller ? await handler(caller) : Unauthenticated();
    }

    /// <summary>401 as problem details.</summary>
    public static IResult Unauthenticated() => TypedResults.Problem(
        "Sign in first: this request has no signed-in user. In Azure, sign in with your school account; with mediagate serve, on its sign-in page or with --dev-user.",
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Not signed in");

    /// <summary>403 as problem details, saying what was missing (the school as given, cut short).</summary>
    public static IResult Forbidden(string? school, Permission permission) => TypedResults.Problem(
        $"Your account may not do this ({PermissionNames.Name(permission)}) in school '{Api.SchoolApi.Shown(school)}'. Ask the school's administrator for the role if you need it.",
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not allowed");

    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused with {Status}: {Permission}")]
    private partial void LogRefused(Permission permission, int status);
}

/// <summary>The names of permissions as messages and the API write them (<c>read-register</c>).</summary>
public static class PermissionNames
{
    public static string Name(Permission permission) =>
        string.Concat(permission.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}
