using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class AccessGrantTests(BicepBuild build)
{
    private const string TeachersGroup = "7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private const string PrivacyGroup = "0b9a8c7d-6e5f-4d3c-2b1a-0f9e8d7c6b5a";

    private JsonObject Evaluated => build.EvaluateFunctions(
        "app/access.bicep",
        ["accessGrantSettings", "accessGrantsProblem"],
        new Dictionary<string, string>
        {
            ["settings"] = $"accessGrantSettings([{{ group: '{TeachersGroup}', role: 'teacher', schools: ['de-wilg', 'het-anker'] }}, {{ appRole: 'MediaGate.Admin', role: 'admin', schools: [] }}, {{ group: '{PrivacyGroup}', role: 'privacy', schools: ['de-wilg'] }}])",
            ["noSettings"] = "accessGrantSettings([])",
            ["fine"] = $"accessGrantsProblem([{{ group: '{TeachersGroup}', role: 'communications', schools: ['de-wilg'] }}, {{ appRole: 'MediaGate.Admin', role: 'admin', schools: [] }}])",
            ["none"] = "accessGrantsProblem([])",
            ["both"] = $"accessGrantsProblem([{{ group: '{TeachersGroup}', appRole: 'School.de-wilg', role: 'teacher', schools: ['de-wilg'] }}])",
            ["neither"] = "accessGrantsProblem([{ role: 'teacher', schools: ['de-wilg'] }])",
            ["noSchools"] = $"accessGrantsProblem([{{ group: '{TeachersGroup}', role: 'teacher', schools: ['de-wilg'] }}, {{ group: '{PrivacyGroup}', role: 'privacy', schools: [] }}])",
            ["adminWithSchools"] = "accessGrantsProblem([{ appRole: 'MediaGate.Admin', role: 'admin', schools: ['de-wilg'] }])",
            ["upperCaseSchool"] = $"accessGrantsProblem([{{ group: '{TeachersGroup}', role: 'teacher', schools: ['De-Wilg'] }}])",
            ["blankSchool"] = $"accessGrantsProblem([{{ group: '{TeachersGroup}', role: 'teacher', schools: [' '] }}])",
        });

    [Fact]
    public void Grants_become_the_apps_access_settings()
    {
        var settings = Evaluated["settings"]!.AsObject();

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["MediaGate__Access__Grants__0__Group"] = TeachersGroup,
                ["MediaGate__Access__Grants__0__Role"] = "teacher",
                ["MediaGate__Access__Grants__0__Schools__0"] = "de-wilg",
                ["MediaGate__Access__Grants__0__Schools__1"] = "het-anker",
                ["MediaGate__Access__Grants__1__AppRole"] = "MediaGate.Admin",
                ["MediaGate__Access__Grants__1__Role"] = "admin",
                ["MediaGate__Access__Grants__1__Schools__0"] = "*",
                ["MediaGate__Access__Grants__2__Group"] = PrivacyGroup,
                ["MediaGate__Access__Grants__2__Role"] = "privacy",
                ["MediaGate__Access__Grants__2__Schools__0"] = "de-wilg",
            },
            settings.ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>()));
    }

    [Fact]
    public void No_grants_add_no_settings()
    {
        Assert.Empty(Evaluated["noSettings"]!.AsObject());
    }

    [Fact]
    public void The_function_app_gets_the_grants_next_to_its_other_settings()
    {
        var api = build.Main.Module("api");
        var config = api.OfType("Microsoft.Web/sites/config")
            .Single(config => ArmTemplate.Str(config, "name")!.Contains("'appsettings'", StringComparison.Ordinal));

        Assert.Equal("[union(variables('baseAppSettings'), __bicep.accessGrantSettings(parameters('accessGrants')))]", ArmTemplate.Str(config, "properties"));
        Assert.Equal("app/access.bicep", ArmTemplate.Str(build.Main.Function("accessGrantsProblem"), "metadata.__bicep_imported_from!.sourceTemplate"));
        Assert.Equal(
            "[if(empty(variables('grantsProblem')), createObject('value', parameters('accessGrants')), createObject('value', fail(variables('grantsProblem'))))]",
            build.Main.Module("api").PassedParameterEntry("accessGrants"));
        Assert.Equal("[__bicep.accessGrantsProblem(parameters('accessGrants'))]", ArmTemplate.Str(build.Main.Variables, "grantsProblem"));
    }

    [Fact]
    public void Well_formed_grants_pass()
    {
        Assert.Equal("", Evaluated["fine"]!.GetValue<string>());
        Assert.Equal("", Evaluated["none"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("both", "MEDIAGATE_ACCESS_GRANTS[0]: give exactly one of \"group\"")]
    [InlineData("neither", "MEDIAGATE_ACCESS_GRANTS[0]: give exactly one of \"group\"")]
    [InlineData("noSchools", "MEDIAGATE_ACCESS_GRANTS[1]: name the schools this privacy role is for")]
    [InlineData("adminWithSchools", "MEDIAGATE_ACCESS_GRANTS[0]: admin covers every school")]
    [InlineData("upperCaseSchool", "MEDIAGATE_ACCESS_GRANTS[0]: school codes are lower case")]
    [InlineData("blankSchool", "MEDIAGATE_ACCESS_GRANTS[0]: school codes are lower case")]
    public void A_grant_that_cannot_mean_anything_is_refused_with_its_position(string evaluation, string problem)
    {
        var message = Evaluated[evaluation]!.GetValue<string>();

        Assert.StartsWith(problem, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_deployment_takes_only_the_four_roles()
    {
        // What ARM checks when azd passes MEDIAGATE_ACCESS_GRANTS: the type of the main template's parameter.
        var main = build.Main;
        Assert.Equal("#/definitions/accessGrant", ArmTemplate.Str(main.Root, "parameters.accessGrants.items.$ref"));
        Assert.Equal(["admin", "communications", "privacy", "teacher"],
            ArmTemplate.Strings(main.Root["definitions"]!["accessGrant"]!["properties"]!["role"]!["allowedValues"]).Order(StringComparer.Ordinal));
        Assert.Equal([], main.ParameterDefault("accessGrants")!.AsArray().Select(node => node!.ToString()));
    }

    [Fact]
    public void A_role_outside_the_four_does_not_compile()
    {
        var error = Assert.Throws<InvalidOperationException>(() => build.EvaluateFunctions(
            "app/access.bicep",
            ["accessGrantSettings"],
            new Dictionary<string, string> { ["bad"] = $"accessGrantSettings([{{ group: '{TeachersGroup}', role: 'principal', schools: ['de-wilg'] }}])" }));

        Assert.Contains("'teacher'", error.Message, StringComparison.Ordinal);
        Assert.Contains("role", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_passes_the_grants_from_its_environment_as_json()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepBuild.InfraDirectory, "main.parameters.json")))!["parameters"]!;

        Assert.Equal("${MEDIAGATE_ACCESS_GRANTS=[]}", ArmTemplate.Str(parameters, "accessGrants.value"));
    }
}
