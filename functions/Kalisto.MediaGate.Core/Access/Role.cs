namespace Kalisto.MediaGate.Access;

/// <summary>What a person does for a school (SPEC §10). What each role may is <see cref="RolePermissions"/>.</summary>
public enum Role
{
    /// <summary><c>teacher</c>: uploads into the school's upload area and sees what became of their own uploads.</summary>
    Teacher,

    /// <summary><c>communications</c>: publishes from the approved items, reviews the quarantine (subject IDs, never names), asks for a re-screen.</summary>
    Communications,

    /// <summary><c>privacy</c>: everything of <see cref="Communications"/>, plus the register (names), its changes, imports, withdrawals, history and the audit trail.</summary>
    Privacy,

    /// <summary><c>admin</c>: every role, for every school of the foundation.</summary>
    Admin,
}

/// <summary>The names of the roles as configuration and the API write them.</summary>
public static class RoleNames
{
    public const string Teacher = "teacher";
    public const string Communications = "communications";
    public const string Privacy = "privacy";
    public const string Admin = "admin";

    /// <summary>Every role name, in the order of <see cref="Role"/>.</summary>
    public static readonly IReadOnlyList<string> All = [Teacher, Communications, Privacy, Admin];

    /// <summary>The name of a role (<c>teacher</c>, …).</summary>
    public static string Name(Role role) => role switch
    {
        Role.Teacher => Teacher,
        Role.Communications => Communications,
        Role.Privacy => Privacy,
        Role.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a role."),
    };

    /// <summary>
    /// The role a name stands for: trimmed, ASCII letters in any case. Only the four names count (no numbers,
    /// no combinations, as <see cref="Enum.TryParse{TEnum}(string?, out TEnum)"/> would accept).
    /// </summary>
    public static bool TryParse(string? name, out Role role)
    {
        role = default;
        var trimmed = name?.Trim();
        for (var i = 0; i < All.Count; i++)
        {
            // Ordinal-ignore-case alone would take "admın" (dotless i) for admin; only ASCII letters fold.
            if (trimmed is not null && trimmed.All(char.IsAsciiLetter) && string.Equals(trimmed, All[i], StringComparison.OrdinalIgnoreCase))
            {
                role = (Role)i;
                return true;
            }
        }

        return false;
    }
}
