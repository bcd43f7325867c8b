using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class RoleAssignmentTests(BicepBuild build)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private ArmTemplate Rbac => build.Main.Module("rbac");

    [Fact]
    public void Function_identity_gets_blob_queue_and_table_data_roles_on_the_storage_account()
    {
        var onStorage = Assignments()
            .Where(assignment => assignment.Scope == "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]")
            .Select(assignment => assignment.Role)
            .Order();

        Assert.Equal([StorageTableDataContributor, StorageQueueDataContributor, StorageBlobDataOwner], onStorage);
        // ... and that account is the one the storage module creates.
        Assert.Equal(build.Main.Module("storage").PassedParameter("name"), Rbac.PassedParameter("storageAccountName"));
    }

    [Fact]
    public void Function_identity_publishes_telemetry_as_monitoring_metrics_publisher_on_application_insights()
    {
        var onTelemetry = Assignments()
            .Where(assignment => assignment.Scope == "[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]")
            .Select(assignment => assignment.Role);

        Assert.Equal([MonitoringMetricsPublisher], onTelemetry);
        Assert.Equal(build.Main.Module("monitoring").PassedParameter("applicationInsightsName"), Rbac.PassedParameter("applicationInsightsName"));
    }

    [Fact]
    public void Roles_go_to_the_function_apps_user_assigned_identity_and_nothing_else_is_granted()
    {
        var assignments = Rbac.OfType("Microsoft.Authorization/roleAssignments");

        Assert.Equal(4, assignments.Count);
        Assert.All(assignments, assignment =>
        {
            Assert.Equal("ServicePrincipal", ArmTemplate.Str(assignment, "properties.principalType"));
            Assert.Equal("[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')), '2023-01-31').principalId]",
                ArmTemplate.Str(assignment, "properties.principalId"));
        });
        Assert.Equal(build.Main.Module("identity").PassedParameter("name"), Rbac.PassedParameter("identityName"));
        Assert.Empty(build.Main.OfType("Microsoft.Authorization/roleAssignments"));
    }

    private IEnumerable<(string Scope, string Role)> Assignments() =>
        Rbac.OfType("Microsoft.Authorization/roleAssignments").Select(assignment => (
            ArmTemplate.Str(assignment, "scope")!,
            RoleGuid(Rbac.Resolve(ArmTemplate.Str(assignment, "properties.roleDefinitionId")!))));

    private static string RoleGuid(string roleDefinitionId)
    {
        const string Prefix = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '";
        Assert.StartsWith(Prefix, roleDefinitionId, StringComparison.Ordinal);
        Assert.EndsWith("')]", roleDefinitionId, StringComparison.Ordinal);
        return roleDefinitionId[Prefix.Length..^3];
    }

    [Fact]
    public void Role_definition_guid_is_read_from_the_compiled_expression()
    {
        var template = new ArmTemplate(new JsonObject
        {
            ["variables"] = new JsonObject { ["reader"] = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
        });

        Assert.Equal("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
            RoleGuid(template.Resolve("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('reader'))]")));
    }
}
