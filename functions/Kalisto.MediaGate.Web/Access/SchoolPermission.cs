using Kalisto.MediaGate.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>An authorization requirement: the caller has <see cref="Permission"/> in the school that is the resource.</summary>
public sealed record SchoolPermissionRequirement(Permission Permission) : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="SchoolPermissionRequirement"/> with <see cref="AccessCheck"/> (SPEC §10) for the school
/// given as the resource (the <c>{school}</c> of the route). Anything else as the resource never succeeds.
/// </summary>
public sealed class SchoolPermissionHandler(IOptionsMonitor<AccessOptions> access) : AuthorizationHandler<SchoolPermissionRequirement, string>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SchoolPermissionRequirement requirement, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (AccessCheck.IsAllowed(Callers.From(context.User, access.CurrentValue), resource, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
