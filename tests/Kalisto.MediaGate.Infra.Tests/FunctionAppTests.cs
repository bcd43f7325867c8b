using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class FunctionAppTests(BicepBuild build)
{
    private ArmTemplate Api => build.Main.Module("api");

    private JsonObject Site => Api.Single("Microsoft.Web/sites");

    private JsonObject AppSettings => Api.OfType("Microsoft.Web/sites/config")
        .Single(config => ArmTemplate.Str(config, "name")!.Contains("'appsettings'", StringComparison.Ordinal))["properties"]!.AsObject();

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption()
    {
        var plan = Api.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", ArmTemplate.Str(plan, "sku.name"));
        Assert.Equal("FlexConsumption", ArmTemplate.Str(plan, "sku.tier"));
        Assert.Equal("[resourceId('Microsoft.Web/serverfarms', parameters('planName'))]", ArmTemplate.Str(Site, "properties.serverFarmId"));

        Assert.Equal("functionapp,linux", ArmTemplate.Str(Site, "kind"));
        Assert.Equal("dotnet-isolated", ArmTemplate.Str(Site, "properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", ArmTemplate.Str(Site, "properties.functionAppConfig.runtime.version"));
        Assert.True(Site["properties"]!["httpsOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_and_deploys_with_it()
    {
        Assert.Equal("UserAssigned", ArmTemplate.Str(Site, "identity.type"));
        Assert.Equal(["[format('{0}', parameters('identityId'))]"],
            Site["identity"]!["userAssignedIdentities"]!.AsObject().Select(pair => pair.Key));

        var storage = Site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", ArmTemplate.Str(storage, "type"));
        Assert.Equal("[parameters('deploymentContainerUrl')]", ArmTemplate.Str(storage, "value"));
        Assert.Equal("UserAssignedIdentity", ArmTemplate.Str(storage, "authentication.type"));
        Assert.Equal("[parameters('identityId')]", ArmTemplate.Str(storage, "authentication.userAssignedIdentityResourceId"));

        Assert.Contains("'identity'", Api.PassedParameter("identityId"), StringComparison.Ordinal);
        Assert.Contains("outputs.id.value", Api.PassedParameter("identityId"), StringComparison.Ordinal);
        Assert.Contains("outputs.clientId.value", Api.PassedParameter("identityClientId"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("MediaStorage")]
    public void Storage_connection_is_identity_based(string connection)
    {
        var settings = AppSettings;

        Assert.Equal("[parameters('blobEndpoint')]", ArmTemplate.Str(settings, $"{connection}__blobServiceUri"));
        Assert.Equal("[parameters('queueEndpoint')]", ArmTemplate.Str(settings, $"{connection}__queueServiceUri"));
        Assert.Equal("[parameters('tableEndpoint')]", ArmTemplate.Str(settings, $"{connection}__tableServiceUri"));
        Assert.Equal("managedidentity", ArmTemplate.Str(settings, $"{connection}__credential"));
        Assert.Equal("[parameters('identityClientId')]", ArmTemplate.Str(settings, $"{connection}__clientId"));
        Assert.Null(settings[connection]);
        Assert.Null(settings[$"{connection}__accountKey"]);
    }

    [Fact]
    public void No_app_setting_holds_a_storage_connection_string()
    {
        Assert.All(AppSettings, setting =>
        {
            var value = setting.Value!.ToString();
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("DefaultEndpointsProtocol", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature", value, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("blobEndpoint", "blob")]
    [InlineData("queueEndpoint", "queue")]
    [InlineData("tableEndpoint", "table")]
    public void Service_uris_are_the_media_storage_accounts_endpoints(string parameter, string service)
    {
        Assert.Contains("'storage'", Api.PassedParameter(parameter), StringComparison.Ordinal);
        Assert.Contains($"outputs.{parameter}.value", Api.PassedParameter(parameter), StringComparison.Ordinal);
        Assert.EndsWith($".primaryEndpoints.{service}]", ArmTemplate.Str(build.Main.Module("storage").Outputs, $"{parameter}.value"), StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_authenticates_with_the_identity_instead_of_a_key()
    {
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
            ArmTemplate.Str(AppSettings, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
        Assert.Equal("[parameters('applicationInsightsConnectionString')]",
            ArmTemplate.Str(AppSettings, "APPLICATIONINSIGHTS_CONNECTION_STRING"));
        Assert.Contains("outputs.connectionString.value", Api.PassedParameter("applicationInsightsConnectionString"), StringComparison.Ordinal);
    }

    [Fact]
    public void Function_app_is_tagged_as_the_azd_api_service()
    {
        Assert.Equal("[union(parameters('tags'), createObject('azd-service-name', 'api'))]", ArmTemplate.Str(Site, "tags"));
        Assert.Equal("[variables('tags')]", Api.PassedParameter("tags"));
    }

    [Fact]
    public void Publishing_with_user_names_and_passwords_is_off()
    {
        var policies = Api.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(2, policies.Count);
        Assert.All(policies, policy => Assert.False(policy["properties"]!["allow"]!.GetValue<bool>()));
    }
}
