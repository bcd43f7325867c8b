using Kalisto.MediaGate.Consent;

namespace Kalisto.MediaGate.Access;

/// <summary>
/// Who has which role for which school (configuration section <c>MediaGate:Access</c>, SPEC §10): a list of
/// grants, each from one Entra group or one app role. Checked by <see cref="AccessOptionsValidator"/>; a grant
/// that is not valid never grants anything, even when the validator did not run.
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "MediaGate:Access";

    /// <summary>The grants. None means nobody has access (every request with a caller is refused with 403).</summary>
    public IList<AccessGrant> Grants { get; init; } = [];

    /// <summary>
    /// The (role, school) grants of a principal with these group object IDs and app-role values. Groups are
    /// compared as GUIDs, app roles ordinally (as Entra writes them).
    /// </summary>
    public IReadOnlySet<SchoolRole> Resolve(IEnumerable<Guid> groups, IEnumerable<string> appRoles)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(appRoles);
        var groupSet = groups.ToHashSet();
        var appRoleSet = appRoles.ToHashSet(StringComparer.Ordinal);
        var resolved = new HashSet<SchoolRole>();
        foreach (var grant in Grants)
        {
            if (grant?.Read(_ => { }) is not { } valid)
            {
                continue;
            }

            var applies = valid.Group is { } group ? groupSet.Contains(group) : appRoleSet.Contains(valid.AppRole!);
            if (applies)
            {
                resolved.UnionWith(valid.Schools.Select(school => new SchoolRole(valid.Role, school)));
            }
        }

        return resolved;
    }
}

/// <summary>
/// One grant: the members of an Entra group (<see cref="Group"/>, its object ID) or the holders of an app role
/// (<see cref="AppRole"/>, its value) have <see cref="Role"/> for <see cref="Schools"/>.
/// </summary>
public sealed class AccessGrant
{
    /// <summary>The object ID of an Entra security group (a GUID). Exactly one of this and <see cref="AppRole"/>.</summary>
    public string? Group { get; set; }

    /// <summary>The value of an app role of the MediaGate app registration. Exactly one of this and <see cref="Group"/>.</summary>
    public string? AppRole { get; set; }

    /// <summary><c>teacher</c>, <c>communications</c>, <c>privacy</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }

    /// <summary>
    /// School codes (as in the upload paths), or the one entry <see cref="SchoolRole.AllSchools"/> (<c>*</c>) for
    /// every school of the foundation (a foundation-wide privacy officer, say). An <c>admin</c> grant is always
    /// <c>*</c>: admin is every school by definition, so a list of schools there is refused rather than ignored.
    /// </summary>
    public IList<string> Schools { get; init; } = [];

    /// <summary>The grant checked; null after reporting every problem through <paramref name="error"/>.</summary>
    internal Valid? Read(Action<string> error)
    {
        var failed = false;
        void Error(string message)
        {
            failed = true;
            error(message);
        }

        var groupText = Group?.Trim();
        var appRole = AppRole?.Trim();
        Guid? group = null;
        if (string.IsNullOrEmpty(groupText) == string.IsNullOrEmpty(appRole))
        {
            Error("needs exactly one of Group (an Entra group object ID) and AppRole (an app-role value)");
        }
        else if (!string.IsNullOrEmpty(groupText))
        {
            if (Guid.TryParseExact(groupText, "D", out var parsed) && parsed != Guid.Empty)
            {
                group = parsed;
            }
            else
            {
                Error($"Group '{groupText}' is not a group object ID (a GUID such as 00000000-0000-0000-0000-000000000000)");
            }
        }
        else if (appRole!.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            Error($"AppRole '{appRole}' contains white space; app-role values have none");
        }

        var roleKnown = RoleNames.TryParse(Role, out var role);
        if (!roleKnown)
        {
            Error($"Role '{Role?.Trim()}' is not a role ({string.Join(", ", RoleNames.All)})");
        }

        var schools = new List<string>();
        var entries = (Schools ?? []).Select(s => ConsentFields.NormaliseSchool(s)).ToList();
        if (entries.Count == 0)
        {
            Error($"has no Schools (school codes, or '{SchoolRole.AllSchools}' for every school)");
        }
        else if (entries.Contains(SchoolRole.AllSchools))
        {
            if (entries.Count > 1)
            {
                Error($"Schools mixes '{SchoolRole.AllSchools}' (every school) with other entries");
            }

            schools.Add(SchoolRole.AllSchools);
        }
        else
        {
            foreach (var school in entries)
            {
                if (ConsentFields.IsSchoolCode(school))
                {
                    schools.Add(school);
                }
                else
                {
                    Error($"Schools: '{school}' is not a school code (lower-case letters, digits and '-')");
                }
            }

            if (roleKnown && role == Access.Role.Admin)
            {
                Error($"Role admin is every school of the foundation: its Schools must be '{SchoolRole.AllSchools}' (give a per-school role for fewer)");
            }
        }

        return failed ? null : new Valid(group, group is null ? appRole : null, role, schools);
    }

    internal sealed record Valid(Guid? Group, string? AppRole, Role Role, IReadOnlyList<string> Schools);
}
