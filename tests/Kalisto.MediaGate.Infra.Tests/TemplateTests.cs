using System.Text.RegularExpressions;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed partial class TemplateTests(BicepBuild build)
{
    [Fact]
    public void Template_compiles_without_errors_or_linter_warnings()
    {
        Assert.True(build.ExitCode == 0, build.Diagnostics);
        Assert.True(build.Diagnostics.Length == 0, build.Diagnostics);
    }

    [Fact]
    public void Upload_events_template_compiles_on_its_own_without_errors_or_linter_warnings()
    {
        Assert.True(build.UploadEventsBuild.ExitCode == 0, build.UploadEventsBuild.Diagnostics);
        Assert.True(build.UploadEventsBuild.Diagnostics.Length == 0, build.UploadEventsBuild.Diagnostics);
    }

    [Fact]
    public void No_storage_key_or_sas_appears_anywhere_in_the_template()
    {
        Assert.DoesNotContain("AccountKey=", build.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listAccountSas", build.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listServiceSas", build.Json, StringComparison.OrdinalIgnoreCase);

        // The one key the template reads is the Functions host's blobs_extension key, for the webhook.
        var listKeys = ListKeysCall().Matches(build.Json).Select(match => match.Value).ToList();
        Assert.NotEmpty(listKeys);
        Assert.All(listKeys, call =>
        {
            Assert.DoesNotContain("Microsoft.Storage", call, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("resourceId('Microsoft.Web/sites'", call, StringComparison.Ordinal);
            Assert.Contains("/host/default", call, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Everything_lives_in_the_azd_environments_resource_group_with_names_from_one_token()
    {
        var main = build.Main;
        Assert.Equal("subscriptionDeploymentTemplate.json#",
            ArmTemplate.Str(main.Root, "$schema")!.Split('/').Last());
        Assert.Equal("[toLower(uniqueString(subscription().id, parameters('environmentName'), parameters('location')))]",
            ArmTemplate.Str(main.Variables, "resourceToken"));
        Assert.Equal("[parameters('environmentName')]", ArmTemplate.Str(main.Variables, "tags.azd-env-name"));

        var group = main.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal("[variables('tags')]", ArmTemplate.Str(group, "tags"));

        foreach (var variable in new[] { "storageAccountName", "hostStorageAccountName", "functionAppName", "identityName", "applicationInsightsName", "systemTopicName" })
        {
            Assert.Contains("variables('resourceToken')", ArmTemplate.Str(main.Variables, variable), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Outputs_are_upper_snake_case_and_name_what_azd_and_the_hook_need()
    {
        var outputs = build.Main.Outputs.Select(pair => pair.Key).ToList();

        Assert.All(outputs, name => Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", name));
        Assert.Contains("AZURE_STORAGE_ACCOUNT_NAME", outputs);
        Assert.Contains("AZURE_FUNCTION_APP_NAME", outputs);
        Assert.Contains("AZURE_FUNCTION_URI", outputs);
        Assert.Contains("AZURE_RESOURCE_GROUP", outputs);
        Assert.Contains("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME", outputs);
        Assert.Contains("AZURE_HOST_STORAGE_ACCOUNT_NAME", outputs);
        Assert.Contains("AZURE_LOG_ANALYTICS_WORKSPACE_ID", outputs);
    }

    [GeneratedRegex(@"listKeys\((?>[^()]+|\((?<depth>)|\)(?<-depth>))*(?(depth)(?!))\)", RegexOptions.IgnoreCase)]
    private static partial Regex ListKeysCall();
}
