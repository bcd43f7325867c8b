using System.Collections.Frozen;

namespace Kalisto.MediaGate.Access;

/// <summary>The one table of what each role may (SPEC §10). Every access decision is read from here.</summary>
public static class RolePermissions
{
    private static readonly Permission[] TeacherMay =
    [
        Permission.UploadMedia,
        Permission.ReadOwnUploads,
    ];

    private static readonly Permission[] CommunicationsMay =
    [
        Permission.ReadItems,
        Permission.DownloadApproved,
        Permission.ReadQuarantine,
        Permission.RequestRescreen,
    ];

    private static readonly Permission[] PrivacyMay =
    [
        .. CommunicationsMay,
        Permission.ReadRegister,
        Permission.ChangeConsent,
        Permission.WithdrawConsent,
        Permission.ImportConsent,
        Permission.ReadHistory,
        Permission.ExportAudit,
    ];

    private static readonly Permission[] AdminMay =
    [
        .. TeacherMay,
        .. PrivacyMay,
        Permission.ChooseSchool,
    ];

    private static readonly FrozenDictionary<Role, FrozenSet<Permission>> Table = new Dictionary<Role, FrozenSet<Permission>>
    {
        [Role.Teacher] = TeacherMay.ToFrozenSet(),
        [Role.Communications] = CommunicationsMay.ToFrozenSet(),
        [Role.Privacy] = PrivacyMay.ToFrozenSet(),
        [Role.Admin] = AdminMay.ToFrozenSet(),
    }.ToFrozenDictionary();

    /// <summary>What <paramref name="role"/> may; nothing for a value that is no role.</summary>
    public static IReadOnlySet<Permission> Of(Role role) =>
        Table.TryGetValue(role, out var permissions) ? permissions : FrozenSet<Permission>.Empty;

    /// <summary>Whether <paramref name="role"/> may do <paramref name="permission"/>.</summary>
    public static bool Has(Role role, Permission permission) => Of(role).Contains(permission);
}
