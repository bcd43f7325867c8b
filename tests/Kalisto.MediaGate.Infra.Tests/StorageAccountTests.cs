using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed partial class StorageAccountTests(BicepBuild build)
{
    private ArmTemplate Storage => build.Main.Module("storage");

    private JsonObject Account => Storage.Single("Microsoft.Storage/storageAccounts");

    [Fact]
    public void Storage_account_refuses_shared_keys()
    {
        Assert.False(Account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(Account["properties"]!["defaultToOAuthAuthentication"]!.GetValue<bool>());
    }

    [Fact]
    public void Storage_account_allows_no_public_blob_access()
    {
        Assert.False(Account["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
        var containers = Storage.OfType("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.NotEmpty(containers);
        Assert.All(containers, container => Assert.Equal("None", ArmTemplate.Str(container, "properties.publicAccess")));
    }

    [Fact]
    public void Storage_account_takes_only_https_with_tls_1_2()
    {
        Assert.Equal("TLS1_2", ArmTemplate.Str(Account, "properties.minimumTlsVersion"));
        Assert.True(Account["properties"]!["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Deleted_blobs_and_containers_can_be_restored_and_blobs_keep_versions()
    {
        var blobService = Storage.Single("Microsoft.Storage/storageAccounts/blobServices");
        var properties = blobService["properties"]!;

        Assert.True(properties["isVersioningEnabled"]!.GetValue<bool>());
        Assert.True(properties["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.True(properties["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('softDeleteRetentionDays')]", ArmTemplate.Str(properties, "deleteRetentionPolicy.days"));
        Assert.True(Storage.Root["parameters"]!["softDeleteRetentionDays"]!["defaultValue"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public void Previous_blob_versions_are_deleted_after_their_retention()
    {
        var policy = Storage.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rule = policy["properties"]!["policy"]!["rules"]!.AsArray().Single()!;

        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('previousVersionRetentionDays')]",
            ArmTemplate.Str(rule, "definition.actions.version.delete.daysAfterCreationGreaterThan"));
    }

    [Fact]
    public void Media_containers_tables_and_queues_are_created()
    {
        Assert.Equal(["approved", "quarantine", "uploads"],
            LoopedNames("Microsoft.Storage/storageAccounts/blobServices/containers").Order());
        Assert.Equal(["consent", "items", "runs"],
            LoopedNames("Microsoft.Storage/storageAccounts/tableServices/tables").Order());
        Assert.Equal(["redact", "rescreen"],
            LoopedNames("Microsoft.Storage/storageAccounts/queueServices/queues").Order());
    }

    [Fact]
    public void Flex_consumption_deploys_from_its_own_container_in_the_account()
    {
        Assert.Equal("[variables('deploymentContainerName')]", build.Main.Module("storage").PassedParameter("deploymentContainerName"));
        var deploymentContainer = Storage.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(container => ArmTemplate.Str(container, "name")!.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal));
        Assert.Equal("None", ArmTemplate.Str(deploymentContainer, "properties.publicAccess"));
        Assert.Contains("parameters('deploymentContainerName')", ArmTemplate.Str(Storage.Outputs, "deploymentContainerUrl.value"), StringComparison.Ordinal);
    }

    /// <summary>The names a copy loop creates: <c>format(..., variables('x')[copyIndex()])</c>.</summary>
    private IEnumerable<string> LoopedNames(string type)
    {
        var looped = Storage.OfType(type).Where(resource => resource["copy"] is not null).ToList();
        Assert.NotEmpty(looped);
        return looped.SelectMany(resource =>
        {
            var match = LoopVariable().Match(ArmTemplate.Str(resource, "name")!);
            Assert.True(match.Success, $"The {type} loop is not over a variable.");
            return ArmTemplate.Strings(Storage.Variables[match.Groups["name"].Value]);
        });
    }

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)\[copyIndex\(\)\]")]
    private static partial Regex LoopVariable();
}
