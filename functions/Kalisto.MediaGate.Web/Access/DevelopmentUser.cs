using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Kalisto.MediaGate.Access;
using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Web.Access;

/// <summary>
/// A user of the development sign-in of <c>mediagate serve</c>: one role for one school, written <c>ROLE@SCHOOL</c>
/// (<c>teacher@de-wilg</c>), or for every school with <c>*</c> (<c>privacy@*</c>); <c>admin</c> is always every
/// school (<c>admin</c> or <c>admin@*</c>). Its user ID is made from the role and school, so uploads made as
/// <c>teacher@de-wilg</c> are that user's the next time too.
/// </summary>
public sealed record DevelopmentUser(Role Role, string School)
{
    /// <summary>The grant the user has.</summary>
    public SchoolRole Grant => new(Role, School);

    /// <summary>The stable user ID (<c>dev-teacher-de-wilg</c>, <c>dev-admin-all</c>).</summary>
    public string UserId => $"dev-{RoleNames.Name(Role)}-{(School == SchoolRole.AllSchools ? "all" : School)}";

    /// <summary>The name history shows for a change the user made.</summary>
    public string DisplayName => $"{this} (development sign-in)";

    public override string ToString() => $"{RoleNames.Name(Role)}@{School}";

    /// <summary>The user <paramref name="text"/> names; false with the reason in <paramref name="error"/> when it names none.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DevelopmentUser? user, out string error)
    {
        user = null;
        var value = text?.Trim() ?? string.Empty;
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var (roleText, schoolText) = at < 0 ? (value, string.Empty) : (value[..at], value[(at + 1)..]);
        if (!RoleNames.TryParse(roleText, out var role))
        {
            error = $"'{Api.SchoolApi.Shown(roleText)}' is not a role ({string.Join(", ", RoleNames.All)}); write ROLE@SCHOOL, such as teacher@de-wilg";
            return false;
        }

        var school = ConsentFields.NormaliseSchool(schoolText);
        if (role == Role.Admin)
        {
            if (school.Length > 0 && school != SchoolRole.AllSchools)
            {
                error = "admin is every school: write admin or admin@*";
                return false;
            }

            school = SchoolRole.AllSchools;
        }
        else if (school != SchoolRole.AllSchools && !ConsentFields.IsSchoolCode(school))
        {
            error = school.Length == 0
                ? $"{RoleNames.Name(role)} needs a school: write {RoleNames.Name(role)}@SCHOOL, such as {RoleNames.Name(role)}@de-wilg"
                : $"'{Api.SchoolApi.Shown(schoolText)}' is not a school code (lower-case letters, digits and '-')";
            return false;
        }

        user = new DevelopmentUser(role, school);
        error = string.Empty;
        return true;
    }

    /// <summary>The user of a text, or false (for claims, where the reason is not needed).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DevelopmentUser? user) => TryParse(text, out user, out _);

    /// <summary>The principal the development sign-in gives this user.</summary>
    public ClaimsPrincipal Principal() => new(new ClaimsIdentity(
        [
            new Claim(Callers.UserIdClaim, UserId),
            new Claim(Callers.NameClaim, DisplayName),
            new Claim(Callers.GrantClaim, ToString()),
        ],
        DevelopmentSignInDefaults.Scheme,
        Callers.NameClaim,
        Callers.AppRoleClaim));
}
