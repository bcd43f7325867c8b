using System.Security.Claims;
using Kalisto.MediaGate.Access;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>
/// The claims a MediaGate sign-in puts on the <see cref="ClaimsPrincipal"/> of a request, and the
/// <see cref="MediaGateCaller"/> they stand for. App Service Authentication's principal carries the Entra object ID,
/// the name, the groups and the app roles, and its grants come from <c>MediaGate:Access</c>; the development sign-in of
/// <c>mediagate serve</c> carries its one grant itself (<see cref="GrantClaim"/>), honoured only on its own scheme.
/// </summary>
public static class Callers
{
    public const string UserIdClaim = "oid";
    public const string NameClaim = "name";
    public const string GroupClaim = "groups";
    public const string AppRoleClaim = "roles";

    /// <summary>A grant <c>role@school</c> (or <c>admin@*</c>) the development sign-in carries; ignored on every other scheme.</summary>
    public const string GrantClaim = "mediagate_grant";

    /// <summary>The caller of a signed-in principal; null when it is not signed in by a MediaGate scheme or has no user ID.</summary>
    public static MediaGateCaller? From(ClaimsPrincipal? user, AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identity = user?.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType is AppServiceAuthenticationDefaults.Scheme or DevelopmentSignInDefaults.Scheme);
        if (identity?.FindFirst(UserIdClaim)?.Value is not { Length: > 0 } userId)
        {
            return null;
        }

        var grants = new HashSet<SchoolRole>();
        if (identity.AuthenticationType == DevelopmentSignInDefaults.Scheme)
        {
            grants.UnionWith(identity.FindAll(GrantClaim).Select(c => DevelopmentUser.TryParse(c.Value, out var dev) ? dev.Grant : null).OfType<SchoolRole>());
        }
        else
        {
            var groups = identity.FindAll(GroupClaim).Select(c => Guid.TryParseExact(c.Value, "D", out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty);
            grants.UnionWith(options.Resolve(groups, identity.FindAll(AppRoleClaim).Select(c => c.Value)));
        }

        return new MediaGateCaller(userId, identity.FindFirst(NameClaim)?.Value, grants);
    }

    /// <summary>The claims identity of App Service Authentication's principal, on <paramref name="scheme"/>.</summary>
    internal static ClaimsIdentity Identity(ClientPrincipal principal, string scheme)
    {
        var claims = new List<Claim> { new(UserIdClaim, principal.ObjectId.ToString("D")) };
        if (principal.Name is { } name)
        {
            claims.Add(new Claim(NameClaim, name));
        }

        claims.AddRange(principal.Groups.Select(g => new Claim(GroupClaim, g.ToString("D"))));
        claims.AddRange(principal.AppRoles.Select(r => new Claim(AppRoleClaim, r)));
        return new ClaimsIdentity(claims, scheme, NameClaim, AppRoleClaim);
    }
}
