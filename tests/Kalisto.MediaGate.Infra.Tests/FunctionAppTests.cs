using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed partial class FunctionAppTests(BicepBuild build)
{
    private ArmTemplate Api => build.Main.Module("api");

    private JsonObject Site => Api.Single("Microsoft.Web/sites");

    /// <summary>The app settings the template writes besides the access grants (see <see cref="AccessGrantTests"/>).</summary>
    private JsonObject AppSettings
    {
        get
        {
            var config = Api.OfType("Microsoft.Web/sites/config")
                .Single(config => ArmTemplate.Str(config, "name")!.Contains("'appsettings'", StringComparison.Ordinal));
            Assert.Equal("[union(variables('baseAppSettings'), __bicep.accessGrantSettings(parameters('accessGrants')))]", ArmTemplate.Str(config, "properties"));
            return Api.Variables["baseAppSettings"]!.AsObject();
        }
    }

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
    [InlineData("AzureWebJobsStorage", "host")]
    [InlineData("MediaStorage", "media")]
    public void Storage_connection_is_identity_based(string connection, string account)
    {
        var settings = AppSettings;

        Assert.Equal($"[parameters('{account}BlobEndpoint')]", ArmTemplate.Str(settings, $"{connection}__blobServiceUri"));
        Assert.Equal($"[parameters('{account}QueueEndpoint')]", ArmTemplate.Str(settings, $"{connection}__queueServiceUri"));
        Assert.Equal($"[parameters('{account}TableEndpoint')]", ArmTemplate.Str(settings, $"{connection}__tableServiceUri"));
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
    [InlineData("host", "host-storage", "blob")]
    [InlineData("host", "host-storage", "queue")]
    [InlineData("host", "host-storage", "table")]
    [InlineData("media", "storage", "blob")]
    [InlineData("media", "storage", "queue")]
    [InlineData("media", "storage", "table")]
    public void Service_uris_are_the_endpoints_of_their_storage_account(string account, string module, string service)
    {
        var parameter = $"{account}{char.ToUpperInvariant(service[0])}{service[1..]}Endpoint";

        Assert.True(build.Main.ReadsModuleOutput(Api.PassedParameter(parameter), module, $"{service}Endpoint"), Api.PassedParameter(parameter));
        Assert.EndsWith($".primaryEndpoints.{service}]", ArmTemplate.Str(build.Main.Module(module).Outputs, $"{service}Endpoint.value"), StringComparison.Ordinal);
    }

    [Fact]
    public void Code_packages_come_from_the_deployment_container_on_the_host_account()
    {
        Assert.True(build.Main.ReadsModuleOutput(Api.PassedParameter("deploymentContainerUrl"), "host-storage", "deploymentContainerUrl"), Api.PassedParameter("deploymentContainerUrl"));
        Assert.Equal("[parameters('deploymentContainerUrl')]", ArmTemplate.Str(Site, "properties.functionAppConfig.deployment.storage.value"));
    }

    [Fact]
    public void Every_trigger_of_the_functions_reads_the_media_account()
    {
        // The host settings (AzureWebJobsStorage) point at the host account: a trigger without a
        // connection, or with that one, would watch the wrong account.
        var functions = Path.Combine(BicepBuild.RepositoryRoot(), "functions", "Kalisto.MediaGate.Functions");
        var sources = Directory.EnumerateFiles(functions, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var storageTriggers = sources.SelectMany(source => StorageTrigger().Matches(source)).Select(match => match.Value).ToList();

        Assert.Contains(storageTriggers, trigger => trigger.StartsWith("[BlobTrigger(\"uploads/", StringComparison.Ordinal) && trigger.Contains("Source = BlobTriggerSource.EventGrid", StringComparison.Ordinal));
        Assert.All(storageTriggers, trigger => Assert.Contains("Connection = \"MediaStorage\"", trigger, StringComparison.Ordinal));
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

    [GeneratedRegex(@"\[(Blob|Queue|Table)Trigger\([^\]]*\)\]")]
    private static partial Regex StorageTrigger();
}
