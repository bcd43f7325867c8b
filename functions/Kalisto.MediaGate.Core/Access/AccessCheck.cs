using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Access;

/// <summary>The outcome of an access check, as HTTP answers it.</summary>
public enum AccessDecision
{
    /// <summary>The caller may.</summary>
    Allowed,

    /// <summary>No signed-in caller: 401.</summary>
    Unauthenticated,

    /// <summary>A caller without the permission for this school, or no school at all: 403.</summary>
    Forbidden,
}

/// <summary>
/// Whether a caller may do something for a school (SPEC §10): every request is scoped to one school and allowed
/// only when one of the caller's roles for that school (or for every school) has the permission in
/// <see cref="RolePermissions"/>.
/// </summary>
public static class AccessCheck
{
    /// <summary>
    /// The decision for <paramref name="caller"/> doing <paramref name="permission"/> in <paramref name="school"/>.
    /// The school is normalised as everywhere in MediaGate (trimmed, A–Z to a–z, nothing else folded); a text that
    /// is then no school code (a look-alike, a path) is no school, and <see cref="AccessDecision.Forbidden"/>
    /// even for an admin. No caller is <see cref="AccessDecision.Unauthenticated"/> whatever the school.
    /// </summary>
    public static AccessDecision Decide(MediaGateCaller? caller, string? school, Permission permission)
    {
        if (caller is null)
        {
            return AccessDecision.Unauthenticated;
        }

        var normalised = ConsentFields.NormaliseSchool(school);
        if (!ConsentFields.IsSchoolCode(normalised))
        {
            return AccessDecision.Forbidden;
        }

        return caller.Grants.Any(g => g.Covers(normalised) && RolePermissions.Has(g.Role, permission))
            ? AccessDecision.Allowed
            : AccessDecision.Forbidden;
    }

    /// <summary>Whether the caller may (<see cref="Decide"/> is <see cref="AccessDecision.Allowed"/>).</summary>
    public static bool IsAllowed(MediaGateCaller? caller, string? school, Permission permission) =>
        Decide(caller, school, permission) == AccessDecision.Allowed;

    /// <summary>
    /// The schools in which the caller has <paramref name="permission"/>: for a school picker or to filter a
    /// foundation-wide list. <see cref="SchoolScope.None"/> without a caller.
    /// </summary>
    public static SchoolScope SchoolsFor(MediaGateCaller? caller, Permission permission)
    {
        var grants = caller?.Grants.Where(g => RolePermissions.Has(g.Role, permission)).ToList() ?? [];
        return grants.Any(g => g.School == SchoolRole.AllSchools)
            ? SchoolScope.Every
            : new SchoolScope(false, grants.Select(g => g.School).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Everything the caller may do in <paramref name="school"/> (for what a page shows); empty without a caller or a school.</summary>
    public static IReadOnlySet<Permission> PermissionsIn(MediaGateCaller? caller, string? school) =>
        Enum.GetValues<Permission>().Where(p => IsAllowed(caller, school, p)).ToHashSet();

    /// <summary>The roles the caller has in <paramref name="school"/>, from their own grants and from grants for every school.</summary>
    public static IReadOnlySet<Role> RolesIn(MediaGateCaller? caller, string? school)
    {
        var normalised = ConsentFields.NormaliseSchool(school);
        return caller is null || !ConsentFields.IsSchoolCode(normalised)
            ? new HashSet<Role>()
            : caller.Grants.Where(g => g.Covers(normalised)).Select(g => g.Role).ToHashSet();
    }
}

/// <summary>A set of schools: every school of the foundation, or the ones listed (normalised school codes).</summary>
public sealed class SchoolScope
{
    /// <summary>No school.</summary>
    public static readonly SchoolScope None = new(false, new HashSet<string>());

    /// <summary>Every school of the foundation.</summary>
    public static readonly SchoolScope Every = new(true, new HashSet<string>());

    internal SchoolScope(bool allSchools, IReadOnlySet<string> schools)
    {
        AllSchools = allSchools;
        Schools = schools;
    }

    /// <summary>Whether the scope is every school of the foundation (then <see cref="Schools"/> is empty).</summary>
    public bool AllSchools { get; }

    /// <summary>The schools listed, when not <see cref="AllSchools"/>.</summary>
    public IReadOnlySet<string> Schools { get; }

    /// <summary>Whether the scope holds no school.</summary>
    public bool IsEmpty => !AllSchools && Schools.Count == 0;

    /// <summary>Whether <paramref name="school"/> (normalised as <see cref="AccessCheck.Decide"/> does) is in the scope.</summary>
    public bool Includes(string? school)
    {
        var normalised = ConsentFields.NormaliseSchool(school);
        return ConsentFields.IsSchoolCode(normalised) && (AllSchools || Schools.Contains(normalised));
    }
}
