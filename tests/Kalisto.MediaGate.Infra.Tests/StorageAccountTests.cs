using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed partial class StorageAccountTests(BicepBuild build)
{
    /// <summary>The media account's module (its data) and the Functions host's.</summary>
    public const string Media = "storage";
    public const string Host = "host-storage";

    private ArmTemplate Storage => build.Main.Module(Media);

    private JsonObject Account(string module) => build.Main.Module(module).Single("Microsoft.Storage/storageAccounts");

    private JsonObject BlobService(string module) => build.Main.Module(module).Single("Microsoft.Storage/storageAccounts/blobServices");

    [Theory]
    [InlineData(Media)]
    [InlineData(Host)]
    public void Storage_account_refuses_shared_keys(string module)
    {
        Assert.False(Account(module)["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(Account(module)["properties"]!["defaultToOAuthAuthentication"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(Media)]
    [InlineData(Host)]
    public void Storage_account_allows_no_public_blob_access(string module)
    {
        Assert.False(Account(module)["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
        var containers = build.Main.Module(module).OfType("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.NotEmpty(containers);
        Assert.All(containers, container => Assert.Equal("None", ArmTemplate.Str(container, "properties.publicAccess")));
    }

    [Theory]
    [InlineData(Media)]
    [InlineData(Host)]
    public void Storage_account_takes_only_https_with_tls_1_2(string module)
    {
        Assert.Equal("TLS1_2", ArmTemplate.Str(Account(module), "properties.minimumTlsVersion"));
        Assert.True(Account(module)["properties"]!["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(Media)]
    [InlineData(Host)]
    public void Blobs_keep_no_versions_and_deleted_blobs_and_containers_can_be_restored(string module)
    {
        var properties = BlobService(module)["properties"]!;

        Assert.False(properties["isVersioningEnabled"]!.GetValue<bool>());
        Assert.True(properties["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.True(properties["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('softDeleteRetentionDays')]", ArmTemplate.Str(properties, "deleteRetentionPolicy.days"));
        Assert.Equal("[parameters('softDeleteRetentionDays')]", ArmTemplate.Str(properties, "containerDeleteRetentionPolicy.days"));
        Assert.True(build.Main.Module(module).ParameterDefault("softDeleteRetentionDays")!.GetValue<int>() >= 1);
    }

    [Fact]
    public void Versions_left_from_when_versioning_was_on_are_deleted_at_the_next_lifecycle_run()
    {
        var rules = LifecycleRules();
        var versionRules = rules.Where(rule => rule["definition"]!["actions"]!["version"] is not null).ToList();

        var rule = Assert.Single(versionRules);
        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Null(rule["definition"]!["filters"]!["prefixMatch"]);
        Assert.Equal(0, rule["definition"]!["actions"]!["version"]!["delete"]!["daysAfterCreationGreaterThan"]!.GetValue<int>());
        // No setting keeps them any longer.
        Assert.Null(Storage.Root["parameters"]!["previousVersionRetentionDays"]);
    }

    [Fact]
    public void Dead_lettered_events_are_deleted_after_their_retention_and_nothing_else_is()
    {
        var baseBlobRules = LifecycleRules().Where(rule => rule["definition"]!["actions"]!["baseBlob"] is not null).ToList();

        var rule = Assert.Single(baseBlobRules);
        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal(["[format('{0}/', parameters('deadLetterContainerName'))]"], ArmTemplate.Strings(rule["definition"]!["filters"]!["prefixMatch"]));
        Assert.Equal("[parameters('deadLetterRetentionDays')]",
            ArmTemplate.Str(rule, "definition.actions.baseBlob.delete.daysAfterModificationGreaterThan"));
        Assert.True(Storage.ParameterDefault("deadLetterRetentionDays")!.GetValue<int>() >= 1);
    }

    [Fact]
    public void Media_containers_tables_and_queues_are_created()
    {
        Assert.Equal(["approved", "previews", "quarantine", "uploads"],
            LoopedNames("Microsoft.Storage/storageAccounts/blobServices/containers").Order());
        Assert.Equal(["consent", "items", "runs", "uploadgrants"],
            LoopedNames("Microsoft.Storage/storageAccounts/tableServices/tables").Order());
        Assert.Equal(["previews", "redact", "rescreen"],
            LoopedNames("Microsoft.Storage/storageAccounts/queueServices/queues").Order());
    }

    [Fact]
    public void Dead_letter_container_is_on_the_media_account()
    {
        var container = Storage.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(c => ArmTemplate.Str(c, "name")!.Contains("parameters('deadLetterContainerName')", StringComparison.Ordinal));

        Assert.Equal("None", ArmTemplate.Str(container, "properties.publicAccess"));
        Assert.Equal("[variables('deadLetterContainerName')]", Storage.PassedParameter("deadLetterContainerName"));
        Assert.Equal("deadletter", ArmTemplate.Str(build.Main.Variables, "deadLetterContainerName"));
    }

    [Fact]
    public void Flex_consumption_deploys_from_its_own_container_on_the_host_account()
    {
        var host = build.Main.Module(Host);
        Assert.Equal("[variables('deploymentContainerName')]", host.PassedParameter("deploymentContainerName"));
        var deploymentContainer = host.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(container => ArmTemplate.Str(container, "name")!.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal));
        Assert.Equal("None", ArmTemplate.Str(deploymentContainer, "properties.publicAccess"));
        Assert.Contains("parameters('deploymentContainerName')", ArmTemplate.Str(host.Outputs, "deploymentContainerUrl.value"), StringComparison.Ordinal);

        // The media account holds no code packages.
        Assert.Null(Storage.Root["parameters"]!["deploymentContainerName"]);
        Assert.Null(Storage.Outputs["deploymentContainerUrl"]);
    }

    [Fact]
    public void Host_and_media_are_two_accounts()
    {
        Assert.Equal("[variables('storageAccountName')]", Storage.PassedParameter("name"));
        Assert.Equal("[variables('hostStorageAccountName')]", build.Main.Module(Host).PassedParameter("name"));
        Assert.NotEqual(ArmTemplate.Str(build.Main.Variables, "storageAccountName"), ArmTemplate.Str(build.Main.Variables, "hostStorageAccountName"));
        Assert.Empty(build.Main.Module(Host).OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.Empty(build.Main.Module(Host).OfType("Microsoft.Storage/storageAccounts/queueServices/queues"));
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices")]
    [InlineData("Microsoft.Storage/storageAccounts/queueServices")]
    public void Every_read_write_and_delete_of_the_media_account_is_logged_to_log_analytics(string service)
    {
        var serviceScope = $"[resourceId('{service}', parameters('name'), 'default')]";
        var settings = Storage.OfType("Microsoft.Insights/diagnosticSettings")
            .Where(setting => ArmTemplate.Str(setting, "scope") == serviceScope)
            .ToList();

        var setting = Assert.Single(settings);
        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", ArmTemplate.Str(setting, "properties.workspaceId"));
        var logs = ResolveArray(Storage, setting["properties"]!["logs"]!);
        Assert.Equal(["StorageDelete", "StorageRead", "StorageWrite"], logs.Select(log => ArmTemplate.Str(log!, "category")!).Order());
        Assert.All(logs, log => Assert.True(log!["enabled"]!.GetValue<bool>()));

        // ... into the workspace the monitoring module creates.
        Assert.True(build.Main.ReadsModuleOutput(Storage.PassedParameter("logAnalyticsWorkspaceId"), "monitoring", "workspaceId"), Storage.PassedParameter("logAnalyticsWorkspaceId"));
        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]",
            ArmTemplate.Str(build.Main.Module("monitoring").Outputs, "workspaceId.value"));
    }

    private List<JsonNode> LifecycleRules()
    {
        var policy = Storage.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        return [.. policy["properties"]!["policy"]!["rules"]!.AsArray().Select(rule => rule!)];
    }

    /// <summary>An array property, or the variable it names.</summary>
    private static JsonArray ResolveArray(ArmTemplate template, JsonNode node)
    {
        if (node is JsonArray array)
        {
            return array;
        }

        var match = VariableOnly().Match(node.ToString());
        Assert.True(match.Success, $"Not an array or a variable: {node}");
        return template.Variables[match.Groups["name"].Value]!.AsArray();
    }

    /// <summary>
    /// The names a copy loop creates: <c>format(..., variables('x')[copyIndex()])</c>, or a parameter the
    /// parent passes from one of its variables.
    /// </summary>
    private IEnumerable<string> LoopedNames(string type)
    {
        var looped = Storage.OfType(type).Where(resource => resource["copy"] is not null).ToList();
        Assert.NotEmpty(looped);
        return looped.SelectMany(resource =>
        {
            var name = ArmTemplate.Str(resource, "name")!;
            if (LoopVariable().Match(name) is { Success: true } variable)
            {
                return ArmTemplate.Strings(Storage.Variables[variable.Groups["name"].Value]);
            }

            var parameter = LoopParameter().Match(name);
            Assert.True(parameter.Success, $"The {type} loop is not over a variable or parameter.");
            var passed = VariableOnly().Match(Storage.PassedParameter(parameter.Groups["name"].Value));
            Assert.True(passed.Success, "The parent does not pass one of its variables.");
            return ArmTemplate.Strings(build.Main.Variables[passed.Groups["name"].Value]);
        });
    }

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)\[copyIndex\(\)\]")]
    private static partial Regex LoopVariable();

    [GeneratedRegex(@"parameters\('(?<name>[A-Za-z0-9_]+)'\)\[copyIndex\(\)\]")]
    private static partial Regex LoopParameter();

    [GeneratedRegex(@"^\[variables\('(?<name>[A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex VariableOnly();
}
