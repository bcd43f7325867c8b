using Kalisto.MediaGate.Access;

namespace Kalisto.MediaGate.Core.Tests.Access;

public sealed class AccessOptionsTests
{
    private const string TeachersDeWilg = "3f2b8c1e-7d4a-4e29-9b1f-6c0a5d8e2f47";
    private const string PrivacyOfficers = "a9d04e6b-12c3-4f58-8e7a-0b9c1d2e3f40";

    private static AccessOptions Options(params AccessGrant[] grants) => new() { Grants = [.. grants] };

    private static IReadOnlyList<string> Errors(AccessOptions options)
    {
        var result = new AccessOptionsValidator().Validate(null, options);
        return result.Succeeded ? [] : [.. result.Failures!];
    }

    [Fact]
    public void Grants_by_group_and_by_app_role_for_schools_or_every_school_are_valid()
    {
        var options = Options(
            new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg"] },
            new AccessGrant { Group = PrivacyOfficers.ToUpperInvariant(), Role = "privacy", Schools = ["*"] },
            new AccessGrant { AppRole = "MediaGate.Communications", Role = "Communications", Schools = ["De-Wilg", "het-anker"] },
            new AccessGrant { AppRole = "MediaGate.Admin", Role = "admin", Schools = ["*"] });

        Assert.Empty(Errors(options));
    }

    [Fact]
    public void No_grants_is_valid_and_grants_nothing()
    {
        Assert.Empty(Errors(new AccessOptions()));
        Assert.Empty(new AccessOptions().Resolve([Guid.Parse(TeachersDeWilg)], ["MediaGate.Admin"]));
    }

    [Theory]
    [InlineData("teachr", "Role 'teachr' is not a role (teacher, communications, privacy, admin)")]
    [InlineData("", "Role '' is not a role")]
    [InlineData(null, "Role '' is not a role")]
    [InlineData("1", "Role '1' is not a role")]
    public void An_unknown_role_is_an_error(string? role, string message)
    {
        var errors = Errors(Options(
            new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg"] },
            new AccessGrant { Group = TeachersDeWilg, Role = role, Schools = ["de-wilg"] }));

        var error = Assert.Single(errors);
        Assert.StartsWith("MediaGate:Access:Grants:1: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de wilg")]
    [InlineData("de_wilg")]
    [InlineData("-de-wilg")]
    [InlineData("\u212Aalisto")]
    [InlineData("de-wil\u0433")]
    [InlineData("")]
    public void A_school_that_is_no_school_code_is_an_error(string school)
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg", school] })));

        Assert.Equal($"MediaGate:Access:Grants:0: Schools: '{school.Trim()}' is not a school code (lower-case letters, digits and '-')", error);
    }

    [Fact]
    public void Neither_group_nor_app_role_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = " ", Role = "teacher", Schools = ["de-wilg"] })));

        Assert.Equal("MediaGate:Access:Grants:0: needs exactly one of Group (an Entra group object ID) and AppRole (an app-role value)", error);
    }

    [Fact]
    public void Both_group_and_app_role_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = TeachersDeWilg, AppRole = "MediaGate.Teacher", Role = "teacher", Schools = ["de-wilg"] })));

        Assert.Contains("Grants:0: needs exactly one of Group", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("teachers-de-wilg")]
    [InlineData("{3f2b8c1e-7d4a-4e29-9b1f-6c0a5d8e2f47}")]
    [InlineData("3f2b8c1e7d4a4e299b1f6c0a5d8e2f47")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void A_group_that_is_no_object_id_is_an_error(string group)
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = group, Role = "teacher", Schools = ["de-wilg"] })));

        Assert.Equal($"MediaGate:Access:Grants:0: Group '{group}' is not a group object ID (a GUID such as 00000000-0000-0000-0000-000000000000)", error);
    }

    [Fact]
    public void An_app_role_with_white_space_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { AppRole = "MediaGate Teacher", Role = "teacher", Schools = ["de-wilg"] })));

        Assert.Contains("Grants:0: AppRole 'MediaGate Teacher' contains white space", error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_schools_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = TeachersDeWilg, Role = "teacher" })));

        Assert.Equal("MediaGate:Access:Grants:0: has no Schools (school codes, or '*' for every school)", error);
    }

    [Fact]
    public void Every_school_mixed_with_school_codes_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = TeachersDeWilg, Role = "privacy", Schools = ["*", "de-wilg"] })));

        Assert.Equal("MediaGate:Access:Grants:0: Schools mixes '*' (every school) with other entries", error);
    }

    [Fact]
    public void An_admin_for_some_schools_only_is_an_error()
    {
        var error = Assert.Single(Errors(Options(new AccessGrant { Group = TeachersDeWilg, Role = "admin", Schools = ["de-wilg"] })));

        Assert.StartsWith("MediaGate:Access:Grants:0: Role admin is every school of the foundation: its Schools must be '*'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_every_grant_is_reported_with_its_index()
    {
        var errors = Errors(Options(
            new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg"] },
            new AccessGrant { Role = "boss", Schools = [] },
            null!,
            new AccessGrant { AppRole = "x", Role = "privacy", Schools = ["De Wilg"] }));

        Assert.Equal(
            [
                "MediaGate:Access:Grants:1: needs exactly one of Group (an Entra group object ID) and AppRole (an app-role value)",
                "MediaGate:Access:Grants:1: Role 'boss' is not a role (teacher, communications, privacy, admin)",
                "MediaGate:Access:Grants:1: has no Schools (school codes, or '*' for every school)",
                "MediaGate:Access:Grants:2: is empty",
                "MediaGate:Access:Grants:3: Schools: 'de wilg' is not a school code (lower-case letters, digits and '-')",
            ],
            errors);
    }

    [Fact]
    public void Groups_and_app_roles_resolve_to_their_roles_and_normalised_schools()
    {
        var options = Options(
            new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["De-Wilg"] },
            new AccessGrant { Group = PrivacyOfficers, Role = "privacy", Schools = ["*"] },
            new AccessGrant { AppRole = "MediaGate.Communications", Role = "communications", Schools = ["de-wilg", "het-anker"] },
            new AccessGrant { AppRole = "MediaGate.Admin", Role = "admin", Schools = ["*"] });

        Assert.Equal(
            [new SchoolRole(Role.Teacher, "de-wilg"), new SchoolRole(Role.Communications, "de-wilg"), new SchoolRole(Role.Communications, "het-anker")],
            options.Resolve([Guid.Parse(TeachersDeWilg)], ["MediaGate.Communications"]).OrderBy(g => g.Role).ThenBy(g => g.School, StringComparer.Ordinal));
        Assert.Equal([new SchoolRole(Role.Privacy, "*")], options.Resolve([Guid.Parse(PrivacyOfficers)], []));
        Assert.Equal([new SchoolRole(Role.Admin, "*")], options.Resolve([], ["MediaGate.Admin"]));
    }

    [Fact]
    public void App_roles_match_exactly_and_groups_as_object_ids()
    {
        var options = Options(
            new AccessGrant { Group = PrivacyOfficers.ToUpperInvariant(), Role = "privacy", Schools = ["de-wilg"] },
            new AccessGrant { AppRole = "MediaGate.Admin", Role = "admin", Schools = ["*"] });

        Assert.Empty(options.Resolve([], ["mediagate.admin", "MediaGate.Admin ", "MediaGate"]));
        Assert.Single(options.Resolve([Guid.Parse(PrivacyOfficers)], []));
        Assert.Empty(options.Resolve([Guid.Parse(TeachersDeWilg)], []));
    }

    [Fact]
    public void A_grant_that_is_not_valid_grants_nothing_even_without_validation()
    {
        var options = Options(
            new AccessGrant { Group = TeachersDeWilg, Role = "admin", Schools = ["de-wilg"] },
            new AccessGrant { Group = TeachersDeWilg, AppRole = "MediaGate.Admin", Role = "admin", Schools = ["*"] },
            new AccessGrant { Group = TeachersDeWilg, Role = "teacher", Schools = ["de-wilg", "\u212Aalisto"] },
            new AccessGrant { Group = TeachersDeWilg, Role = "superuser", Schools = ["*"] },
            null!,
            new AccessGrant { Group = TeachersDeWilg, Role = "communications", Schools = ["het-anker"] });

        Assert.Equal([new SchoolRole(Role.Communications, "het-anker")], options.Resolve([Guid.Parse(TeachersDeWilg)], ["MediaGate.Admin"]));
    }
}
