using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

/// <summary>
/// Who may reach the media account over the network. The rules are functions of
/// <c>infra/app/network.bicep</c>; <c>bicep build-params</c> evaluates them here with real arguments,
/// and the compiled templates are checked to call exactly those functions with the deployment's settings.
/// </summary>
[Collection(BicepBuildCollection.Name)]
public sealed class NetworkTests(BicepBuild build)
{
    private const string Subnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app";

    // Every case in one build-params run (each run of the CLI takes seconds; the build keeps the result).
    private JsonObject Evaluated => build.EvaluateFunctions(
        "app/network.bicep",
        ["ipRangeList", "networkSettingsProblem", "mediaNetworkAcls"],
        new Dictionary<string, string>
        {
            ["open"] = "mediaNetworkAcls([], '')",
            ["rangesAndSubnet"] = $"mediaNetworkAcls(['203.0.113.0/24', '198.51.100.7'], '{Subnet}')",
            ["subnetOnly"] = $"mediaNetworkAcls([], '{Subnet}')",
            ["listed"] = "ipRangeList(' 203.0.113.0/24, ,198.51.100.7/32 ,')",
            ["listedNone"] = "ipRangeList('')",
            ["problemRangesWithoutSubnet"] = "networkSettingsProblem(['203.0.113.0/24'], '')",
            ["problemRangesWithSubnet"] = $"networkSettingsProblem(['203.0.113.0/24'], '{Subnet}')",
            ["problemNone"] = "networkSettingsProblem([], '')",
            ["problemSubnetOnly"] = $"networkSettingsProblem([], '{Subnet}')",
        });

    [Fact]
    public void Without_ranges_or_subnet_the_media_account_takes_every_network()
    {
        var acls = Evaluated["open"]!;

        Assert.Equal("Allow", ArmTemplate.Str(acls, "defaultAction"));
        Assert.Equal("AzureServices", ArmTemplate.Str(acls, "bypass"));
        Assert.Empty(acls["ipRules"]!.AsArray());
        Assert.Empty(acls["virtualNetworkRules"]!.AsArray());
    }

    [Fact]
    public void With_ranges_and_a_subnet_the_media_account_takes_only_those_and_trusted_services()
    {
        var acls = Evaluated["rangesAndSubnet"]!;

        Assert.Equal("Deny", ArmTemplate.Str(acls, "defaultAction"));
        Assert.Equal("AzureServices", ArmTemplate.Str(acls, "bypass"));
        Assert.Equal(["203.0.113.0/24", "198.51.100.7"], acls["ipRules"]!.AsArray().Select(rule => ArmTemplate.Str(rule!, "value")!));
        Assert.All(acls["ipRules"]!.AsArray(), rule => Assert.Equal("Allow", ArmTemplate.Str(rule!, "action")));
        var subnetRule = Assert.Single(acls["virtualNetworkRules"]!.AsArray());
        Assert.Equal(Subnet, ArmTemplate.Str(subnetRule!, "id"));
        Assert.Equal("Allow", ArmTemplate.Str(subnetRule!, "action"));
    }

    [Fact]
    public void With_only_a_subnet_the_media_account_takes_only_the_app_and_trusted_services()
    {
        var acls = Evaluated["subnetOnly"]!;

        Assert.Equal("Deny", ArmTemplate.Str(acls, "defaultAction"));
        Assert.Empty(acls["ipRules"]!.AsArray());
        Assert.Single(acls["virtualNetworkRules"]!.AsArray());
    }

    [Fact]
    public void Allowed_ip_ranges_are_read_from_a_comma_separated_setting()
    {
        Assert.Equal(["203.0.113.0/24", "198.51.100.7"], ArmTemplate.Strings(Evaluated["listed"]));
        Assert.Empty(ArmTemplate.Strings(Evaluated["listedNone"]));
    }

    [Fact]
    public void Ranges_without_the_apps_subnet_are_a_problem_because_they_would_lock_the_app_out()
    {
        Assert.Contains("APP_SUBNET_ID", Evaluated["problemRangesWithoutSubnet"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("", Evaluated["problemRangesWithSubnet"]!.GetValue<string>());
        Assert.Equal("", Evaluated["problemNone"]!.GetValue<string>());
        Assert.Equal("", Evaluated["problemSubnetOnly"]!.GetValue<string>());
    }

    [Fact]
    public void Media_account_uses_the_network_rules_with_the_deployments_settings()
    {
        var storage = build.Main.Module("storage");
        var account = storage.Single("Microsoft.Storage/storageAccounts");

        Assert.Equal("[__bicep.mediaNetworkAcls(parameters('allowedIpRanges'), parameters('appSubnetId'))]",
            ArmTemplate.Str(account, "properties.networkAcls"));
        Assert.Equal("network.bicep", ArmTemplate.Str(storage.Function("mediaNetworkAcls"), "metadata.__bicep_imported_from!.sourceTemplate"));
        Assert.Equal("Enabled", ArmTemplate.Str(account, "properties.publicNetworkAccess"));
        Assert.Equal("[parameters('appSubnetId')]", storage.PassedParameter("appSubnetId"));
    }

    [Fact]
    public void Main_reads_the_ranges_setting_and_refuses_to_deploy_ranges_that_would_lock_the_app_out()
    {
        var main = build.Main;

        Assert.Equal("[__bicep.ipRangeList(parameters('storageAllowedIpRanges'))]", ArmTemplate.Str(main.Variables, "allowedIpRanges"));
        Assert.Equal("[__bicep.networkSettingsProblem(variables('allowedIpRanges'), parameters('appSubnetId'))]",
            ArmTemplate.Str(main.Variables, "networkProblem"));
        Assert.Equal(
            "[if(empty(variables('networkProblem')), createObject('value', variables('allowedIpRanges')), createObject('value', fail(variables('networkProblem'))))]",
            main.Module("storage").PassedParameterEntry("allowedIpRanges"));
        Assert.Equal("app/network.bicep", ArmTemplate.Str(main.Function("networkSettingsProblem"), "metadata.__bicep_imported_from!.sourceTemplate"));
    }

    [Fact]
    public void Network_restriction_is_off_unless_set()
    {
        Assert.Equal("", build.Main.ParameterDefault("storageAllowedIpRanges")!.GetValue<string>());
        Assert.Equal("", build.Main.ParameterDefault("appSubnetId")!.GetValue<string>());

        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepBuild.InfraDirectory, "main.parameters.json")))!["parameters"]!;
        Assert.Equal("${STORAGE_ALLOWED_IP_RANGES=}", ArmTemplate.Str(parameters, "storageAllowedIpRanges.value"));
        Assert.Equal("${APP_SUBNET_ID=}", ArmTemplate.Str(parameters, "appSubnetId.value"));
    }

    [Fact]
    public void Function_app_joins_the_subnet_only_when_one_is_given()
    {
        var api = build.Main.Module("api");
        var site = api.Single("Microsoft.Web/sites");

        Assert.Equal("[if(empty(parameters('appSubnetId')), null(), parameters('appSubnetId'))]", ArmTemplate.Str(site, "properties.virtualNetworkSubnetId"));
        Assert.Equal("[parameters('appSubnetId')]", api.PassedParameter("appSubnetId"));
    }

    [Fact]
    public void Host_account_stays_open_to_the_deploying_machine()
    {
        var account = build.Main.Module("host-storage").Single("Microsoft.Storage/storageAccounts");

        Assert.Equal("Allow", ArmTemplate.Str(account, "properties.networkAcls.defaultAction"));
        Assert.Equal("AzureServices", ArmTemplate.Str(account, "properties.networkAcls.bypass"));
    }
}
