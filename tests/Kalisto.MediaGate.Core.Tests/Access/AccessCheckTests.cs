using Kalisto.MediaGate.Access;

namespace Kalisto.MediaGate.Core.Tests.Access;

public sealed class AccessCheckTests
{
    private const string OwnSchool = "de-wilg";
    private const string OtherSchool = "het-anker";

    public static TheoryData<Role, Permission> EveryRoleAndPermission() => RolePermissionsTests.EveryRoleAndPermission();

    public static TheoryData<Permission> EveryPermission() => [.. Enum.GetValues<Permission>()];

    private static MediaGateCaller Caller(params SchoolRole[] grants) => new("c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24", "Anna de Vries", grants);

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void In_their_own_school_a_caller_may_what_their_role_may(Role role, Permission permission)
    {
        var caller = Caller(new SchoolRole(role, OwnSchool));

        var expected = RolePermissions.Has(role, permission) ? AccessDecision.Allowed : AccessDecision.Forbidden;
        Assert.Equal(expected, AccessCheck.Decide(caller, OwnSchool, permission));
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void In_another_school_a_caller_may_nothing(Role role, Permission permission)
    {
        var caller = Caller(new SchoolRole(role, OwnSchool));

        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, OtherSchool, permission));
        Assert.False(AccessCheck.IsAllowed(caller, OtherSchool, permission));
    }

    [Theory]
    [MemberData(nameof(EveryPermission))]
    public void An_admin_may_everything_in_every_school(Permission permission)
    {
        var admin = Caller(new SchoolRole(Role.Admin, SchoolRole.AllSchools));

        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(admin, OwnSchool, permission));
        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(admin, OtherSchool, permission));
        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(admin, "a-school-added-later", permission));
    }

    [Theory]
    [MemberData(nameof(EveryPermission))]
    public void Without_a_caller_every_request_is_unauthenticated(Permission permission)
    {
        Assert.Equal(AccessDecision.Unauthenticated, AccessCheck.Decide(null, OwnSchool, permission));
        Assert.Equal(AccessDecision.Unauthenticated, AccessCheck.Decide(null, "not a school", permission));
        Assert.Equal(AccessDecision.Unauthenticated, AccessCheck.Decide(null, null, permission));
    }

    [Theory]
    [MemberData(nameof(EveryPermission))]
    public void A_signed_in_caller_without_any_grant_is_forbidden_not_unauthenticated(Permission permission)
    {
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(Caller(), OwnSchool, permission));
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void A_role_for_every_school_may_what_the_role_may_in_each(Role role, Permission permission)
    {
        var caller = Caller(new SchoolRole(role, SchoolRole.AllSchools));

        var expected = RolePermissions.Has(role, permission) ? AccessDecision.Allowed : AccessDecision.Forbidden;
        Assert.Equal(expected, AccessCheck.Decide(caller, OwnSchool, permission));
        Assert.Equal(expected, AccessCheck.Decide(caller, OtherSchool, permission));
    }

    [Fact]
    public void Roles_in_several_schools_stay_with_their_own_school()
    {
        var caller = Caller(new SchoolRole(Role.Teacher, OwnSchool), new SchoolRole(Role.Privacy, OtherSchool));

        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(caller, OwnSchool, Permission.UploadMedia));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, OwnSchool, Permission.ReadRegister));
        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(caller, OtherSchool, Permission.ReadRegister));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, OtherSchool, Permission.UploadMedia));
    }

    [Theory]
    [InlineData("De-Wilg")]
    [InlineData(" de-wilg ")]
    [InlineData("DE-WILG")]
    public void The_school_is_normalised_as_everywhere_in_MediaGate(string school)
    {
        var caller = Caller(new SchoolRole(Role.Communications, OwnSchool));

        Assert.Equal(AccessDecision.Allowed, AccessCheck.Decide(caller, school, Permission.ReadItems));
    }

    [Theory]
    [InlineData("de-wi\u0131g")] // dotless i
    [InlineData("DE-W\u0130LG")] // dotted capital I
    [InlineData("de-wil\u0433")] // Cyrillic ge
    [InlineData("de-wilg\u200B")] // zero-width space
    [InlineData("de-wilg/")]
    [InlineData("de-wilg/../het-anker")]
    [InlineData("*")]
    [InlineData("")]
    [InlineData(null)]
    public void A_look_alike_or_no_school_is_forbidden_even_for_an_admin(string? school)
    {
        var admin = Caller(new SchoolRole(Role.Admin, SchoolRole.AllSchools));
        var own = Caller(new SchoolRole(Role.Privacy, OwnSchool));

        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(admin, school, Permission.ReadItems));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(own, school, Permission.ReadItems));
        Assert.Empty(AccessCheck.PermissionsIn(admin, school));
        Assert.Empty(AccessCheck.RolesIn(admin, school));
        Assert.False(AccessCheck.SchoolsFor(admin, Permission.ReadItems).Includes(school));
    }

    [Fact]
    public void The_caller_keeps_only_grants_for_school_codes_normalised()
    {
        var caller = Caller(
            new SchoolRole(Role.Privacy, " De-Wilg "),
            new SchoolRole(Role.Admin, "\u212Aalisto"),
            new SchoolRole(Role.Admin, "alle scholen"),
            new SchoolRole(Role.Teacher, "het-anker"));

        Assert.Equal([new SchoolRole(Role.Privacy, "de-wilg"), new SchoolRole(Role.Teacher, "het-anker")], caller.Grants.OrderBy(g => g.School));
        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(caller, "kalisto", Permission.ReadItems));
    }

    [Fact]
    public void The_schools_for_a_permission_are_those_of_the_roles_that_have_it()
    {
        var caller = Caller(
            new SchoolRole(Role.Teacher, OwnSchool),
            new SchoolRole(Role.Communications, OtherSchool),
            new SchoolRole(Role.Privacy, "de-regenboog"));

        Assert.Equal([OwnSchool], AccessCheck.SchoolsFor(caller, Permission.UploadMedia).Schools);
        Assert.Equal(["de-regenboog", OtherSchool], AccessCheck.SchoolsFor(caller, Permission.ReadItems).Schools.Order(StringComparer.Ordinal));
        Assert.Equal(["de-regenboog"], AccessCheck.SchoolsFor(caller, Permission.ReadRegister).Schools);
        Assert.False(AccessCheck.SchoolsFor(caller, Permission.ReadItems).AllSchools);
        Assert.True(AccessCheck.SchoolsFor(caller, Permission.ChooseSchool).IsEmpty);
        Assert.True(AccessCheck.SchoolsFor(caller, Permission.ReadItems).Includes("Het-Anker"));
        Assert.False(AccessCheck.SchoolsFor(caller, Permission.ReadItems).Includes(OwnSchool));
    }

    [Fact]
    public void The_schools_for_an_admin_are_every_school()
    {
        var admin = Caller(new SchoolRole(Role.Admin, SchoolRole.AllSchools), new SchoolRole(Role.Teacher, OwnSchool));

        var scope = AccessCheck.SchoolsFor(admin, Permission.ChooseSchool);

        Assert.True(scope.AllSchools);
        Assert.False(scope.IsEmpty);
        Assert.True(scope.Includes("any-school"));
        Assert.True(AccessCheck.SchoolsFor(admin, Permission.UploadMedia).AllSchools);
    }

    [Fact]
    public void Without_a_caller_there_are_no_schools_roles_or_permissions()
    {
        Assert.True(AccessCheck.SchoolsFor(null, Permission.ReadItems).IsEmpty);
        Assert.False(AccessCheck.SchoolsFor(null, Permission.ReadItems).Includes(OwnSchool));
        Assert.Empty(AccessCheck.PermissionsIn(null, OwnSchool));
        Assert.Empty(AccessCheck.RolesIn(null, OwnSchool));
    }

    [Fact]
    public void The_permissions_in_a_school_are_the_union_of_the_roles_there()
    {
        var caller = Caller(new SchoolRole(Role.Teacher, OwnSchool), new SchoolRole(Role.Communications, OwnSchool), new SchoolRole(Role.Privacy, OtherSchool));

        Assert.Equal(
            RolePermissions.Of(Role.Teacher).Union(RolePermissions.Of(Role.Communications)).Order(),
            AccessCheck.PermissionsIn(caller, OwnSchool).Order());
        Assert.Equal([Role.Teacher, Role.Communications], AccessCheck.RolesIn(caller, "De-Wilg").Order());
    }

    [Fact]
    public void A_value_that_is_no_permission_is_forbidden()
    {
        var admin = Caller(new SchoolRole(Role.Admin, SchoolRole.AllSchools));

        Assert.Equal(AccessDecision.Forbidden, AccessCheck.Decide(admin, OwnSchool, (Permission)42));
    }

    [Fact]
    public void Changed_by_names_the_person_and_their_ID()
    {
        Assert.Equal("Anna de Vries (c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24)", Caller().ChangedBy);
        Assert.Equal("c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24", new MediaGateCaller("c1a7e3d9-5b2f-4a68-9e0d-7f3b1c5a9e24", "  ", []).ChangedBy);
    }
}
