using Kalisto.MediaGate.Access;

namespace Kalisto.MediaGate.Core.Tests.Access;

public sealed class RolePermissionsTests
{
    /// <summary>SPEC §10, written out again by hand: per permission, the roles that have it.</summary>
    private static readonly Dictionary<Permission, Role[]> Spec = new()
    {
        // teacher: upload into the school's upload area; see the outcome and reasons of their own uploads.
        [Permission.UploadMedia] = [Role.Teacher, Role.Admin],
        [Permission.ReadOwnUploads] = [Role.Teacher, Role.Admin],

        // communications: approved items per channel, download them, the quarantine with reasons, a re-screen.
        [Permission.ReadItems] = [Role.Communications, Role.Privacy, Role.Admin],
        [Permission.DownloadApproved] = [Role.Communications, Role.Privacy, Role.Admin],
        [Permission.ReadQuarantine] = [Role.Communications, Role.Privacy, Role.Admin],
        [Permission.RequestRescreen] = [Role.Communications, Role.Privacy, Role.Admin],

        // privacy: plus the register (names), imports, changes, withdrawals, history and the audit trail.
        [Permission.ReadRegister] = [Role.Privacy, Role.Admin],
        [Permission.ChangeConsent] = [Role.Privacy, Role.Admin],
        [Permission.WithdrawConsent] = [Role.Privacy, Role.Admin],
        [Permission.ImportConsent] = [Role.Privacy, Role.Admin],
        [Permission.ReadHistory] = [Role.Privacy, Role.Admin],
        [Permission.ExportAudit] = [Role.Privacy, Role.Admin],

        // admin: every school of the foundation.
        [Permission.ChooseSchool] = [Role.Admin],
    };

    public static TheoryData<Role, Permission> EveryRoleAndPermission()
    {
        var data = new TheoryData<Role, Permission>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                data.Add(role, permission);
            }
        }

        return data;
    }

    [Fact]
    public void The_specification_above_covers_every_permission()
    {
        Assert.Equal(Enum.GetValues<Permission>().Order(), Spec.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void Each_role_has_exactly_the_permissions_of_the_specification(Role role, Permission permission)
    {
        Assert.Equal(Spec[permission].Contains(role), RolePermissions.Has(role, permission));
        Assert.Equal(Spec[permission].Contains(role), RolePermissions.Of(role).Contains(permission));
    }

    [Fact]
    public void A_teacher_never_sees_the_register_the_quarantine_or_the_audit_trail()
    {
        var teacher = RolePermissions.Of(Role.Teacher);

        Assert.Equal([Permission.UploadMedia, Permission.ReadOwnUploads], teacher.Order());
    }

    [Fact]
    public void Communications_reads_items_but_never_names_or_consent_changes()
    {
        Assert.True(RolePermissions.Has(Role.Communications, Permission.ReadItems));
        Assert.True(RolePermissions.Has(Role.Communications, Permission.ReadQuarantine));
        Assert.False(RolePermissions.Has(Role.Communications, Permission.ReadRegister));
        Assert.False(RolePermissions.Has(Role.Communications, Permission.ChangeConsent));
        Assert.False(RolePermissions.Has(Role.Communications, Permission.WithdrawConsent));
        Assert.False(RolePermissions.Has(Role.Communications, Permission.ImportConsent));
        Assert.False(RolePermissions.Has(Role.Communications, Permission.UploadMedia));
    }

    [Fact]
    public void Privacy_is_everything_of_communications_plus_the_register()
    {
        var communications = RolePermissions.Of(Role.Communications);
        var privacy = RolePermissions.Of(Role.Privacy);

        Assert.True(privacy.IsProperSupersetOf(communications));
        Assert.Equal(
            [Permission.ReadRegister, Permission.ChangeConsent, Permission.WithdrawConsent, Permission.ImportConsent, Permission.ReadHistory, Permission.ExportAudit],
            privacy.Except(communications).Order());
    }

    [Fact]
    public void Admin_is_every_role_and_the_only_one_that_chooses_any_school()
    {
        var admin = RolePermissions.Of(Role.Admin);

        Assert.Equal(Enum.GetValues<Permission>().Order(), admin.Order());
        Assert.All(Enum.GetValues<Role>(), role => Assert.True(admin.IsSupersetOf(RolePermissions.Of(role))));
        Assert.All(Enum.GetValues<Role>().Where(r => r != Role.Admin), role => Assert.False(RolePermissions.Has(role, Permission.ChooseSchool)));
    }

    [Fact]
    public void A_value_that_is_no_role_has_no_permission()
    {
        Assert.Empty(RolePermissions.Of((Role)42));
        Assert.False(RolePermissions.Has((Role)42, Permission.ReadItems));
        Assert.False(RolePermissions.Has(Role.Admin, (Permission)42));
    }

    [Theory]
    [InlineData("teacher", Role.Teacher)]
    [InlineData("communications", Role.Communications)]
    [InlineData("privacy", Role.Privacy)]
    [InlineData("admin", Role.Admin)]
    [InlineData(" Privacy ", Role.Privacy)]
    [InlineData("ADMIN", Role.Admin)]
    public void Role_names_are_read_trimmed_in_any_ascii_case(string name, Role role)
    {
        Assert.True(RoleNames.TryParse(name, out var parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(name.Trim().ToLowerInvariant(), RoleNames.Name(role));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("teachers")]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("Teacher, Admin")]
    [InlineData("adm\u0131n")] // dotless i: ordinal-ignore-case alone would read "admin"
    [InlineData("\u212Aalisto")]
    [InlineData("privacy officer")]
    public void Anything_else_is_no_role(string? name)
    {
        Assert.False(RoleNames.TryParse(name, out _));
    }
}
