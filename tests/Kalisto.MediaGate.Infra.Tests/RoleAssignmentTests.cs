using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class RoleAssignmentTests(BicepBuild build)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDelegator = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private const string AppIdentity = "[reference('identity').principalId]";
    private const string TopicIdentity = "[reference('systemTopic', '2025-02-15', 'full').identity.principalId]";
    private const string MediaAccount = "[resourceId('Microsoft.Storage/storageAccounts', parameters('mediaStorageAccountName'))]";
    private const string HostAccount = "[resourceId('Microsoft.Storage/storageAccounts', parameters('hostStorageAccountName'))]";
    private const string MediaContainers = "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('mediaStorageAccountName'), 'default', parameters('mediaContainerNames')[copyIndex()])]";
    private const string DeadLetterContainer = "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('mediaStorageAccountName'), 'default', parameters('deadLetterContainerName'))]";

    private ArmTemplate Rbac => build.Main.Module("rbac");

    [Fact]
    public void Function_identity_holds_contributor_roles_on_the_media_account_and_blob_access_only_to_the_pipelines_containers()
    {
        var onMedia = Assignments(AppIdentity)
            .Where(assignment => assignment.Scope.Contains("parameters('mediaStorageAccountName')", StringComparison.Ordinal))
            .OrderBy(assignment => assignment.Scope, StringComparer.Ordinal)
            .ThenBy(assignment => assignment.Role, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            [(MediaAccount, StorageTableDataContributor), (MediaAccount, StorageQueueDataContributor), (MediaAccount, StorageBlobDelegator), (MediaContainers, StorageBlobDataContributor)],
            onMedia);
        // The blob role loops once per pipeline container: uploads, approved, quarantine, previews, not the dead letters.
        var blobRole = Rbac.OfType("Microsoft.Authorization/roleAssignments").Single(assignment => ArmTemplate.Str(assignment, "scope") == MediaContainers);
        Assert.Equal("[length(parameters('mediaContainerNames'))]", ArmTemplate.Str(blobRole, "copy.count"));
        Assert.Equal("[variables('mediaContainerNames')]", Rbac.PassedParameter("mediaContainerNames"));
        Assert.Equal(["approved", "previews", "quarantine", "uploads"], ArmTemplate.Strings(build.Main.Variables["mediaContainerNames"]).Order());
        Assert.Equal(build.Main.Module("storage").PassedParameter("mediaContainerNames"), Rbac.PassedParameter("mediaContainerNames"));
        Assert.Equal(build.Main.Module("storage").PassedParameter("name"), Rbac.PassedParameter("mediaStorageAccountName"));
    }

    [Fact]
    public void Function_identity_may_get_user_delegation_keys_on_the_media_account_and_nowhere_else()
    {
        var delegator = Assignments(AppIdentity).Where(assignment => assignment.Role == StorageBlobDelegator).ToList();

        // Get User Delegation Key is an operation of the blob service: the role works on the account or above, and
        // the account is the narrowest scope. It only signs: a URL can do no more than the identity's data roles.
        Assert.Equal([MediaAccount], delegator.Select(assignment => assignment.Scope));
        Assert.DoesNotContain(Assignments(TopicIdentity), assignment => assignment.Role == StorageBlobDelegator);
    }

    [Fact]
    public void Nobody_is_owner_of_anything_on_the_media_account()
    {
        var everyAssignment = build.Main.Resources
            .Where(resource => ArmTemplate.Str(resource, "type") == "Microsoft.Resources/deployments")
            .Select(deployment => ArmTemplate.Str(deployment, "name")!)
            .Select(build.Main.Module)
            .SelectMany(module => module.OfType("Microsoft.Authorization/roleAssignments").Select(assignment => (module, assignment)));

        Assert.All(everyAssignment, pair =>
        {
            var role = RoleGuid(pair.module.Resolve(ArmTemplate.Str(pair.assignment, "properties.roleDefinitionId")!));
            if (role == StorageBlobDataOwner)
            {
                Assert.Equal(HostAccount, ArmTemplate.Str(pair.assignment, "scope"));
            }
        });
    }

    [Fact]
    public void Function_identity_holds_what_the_functions_host_needs_on_the_host_account()
    {
        var onHost = Assignments(AppIdentity)
            .Where(assignment => assignment.Scope == HostAccount)
            .Select(assignment => assignment.Role)
            .Order(StringComparer.Ordinal);

        Assert.Equal([StorageTableDataContributor, StorageQueueDataContributor, StorageBlobDataOwner], onHost);
        Assert.Equal(build.Main.Module("host-storage").PassedParameter("name"), Rbac.PassedParameter("hostStorageAccountName"));
    }

    [Fact]
    public void Function_identity_publishes_telemetry_as_monitoring_metrics_publisher_on_application_insights()
    {
        var onTelemetry = Assignments(AppIdentity)
            .Where(assignment => assignment.Scope == "[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]")
            .Select(assignment => assignment.Role);

        Assert.Equal([MonitoringMetricsPublisher], onTelemetry);
        Assert.Equal(build.Main.Module("monitoring").PassedParameter("applicationInsightsName"), Rbac.PassedParameter("applicationInsightsName"));
    }

    [Fact]
    public void The_system_topics_identity_may_write_only_into_the_dead_letter_container()
    {
        var topic = Assignments(TopicIdentity).ToList();

        Assert.Equal([(DeadLetterContainer, StorageBlobDataContributor)], topic.Select(assignment => (assignment.Scope, assignment.Role)));
        Assert.Equal("[parameters('systemTopicName')]", ArmTemplate.Str(Rbac.Root, "resources.systemTopic.name"));
        Assert.Equal(build.Main.Module("eventgrid").PassedParameter("name"), Rbac.PassedParameter("systemTopicName"));
        Assert.Equal(build.Main.Module("storage").PassedParameter("deadLetterContainerName"), Rbac.PassedParameter("deadLetterContainerName"));
    }

    [Fact]
    public void Roles_go_to_the_two_identities_and_nothing_else_is_granted_anywhere()
    {
        var assignments = Rbac.OfType("Microsoft.Authorization/roleAssignments");

        // Three per-account roles on each account (one of them looped over the media containers), the
        // blob delegator on the media account, telemetry, and the topic's dead-letter role.
        Assert.Equal(9, assignments.Count);
        Assert.All(assignments, assignment =>
        {
            Assert.Equal("ServicePrincipal", ArmTemplate.Str(assignment, "properties.principalType"));
            Assert.Contains(ArmTemplate.Str(assignment, "properties.principalId"), new[] { AppIdentity, TopicIdentity });
        });
        Assert.Equal("[parameters('identityName')]", ArmTemplate.Str(Rbac.Root, "resources.identity.name"));
        Assert.Equal(build.Main.Module("identity").PassedParameter("name"), Rbac.PassedParameter("identityName"));

        Assert.Empty(build.Main.OfType("Microsoft.Authorization/roleAssignments"));
        foreach (var module in new[] { "identity", "storage", "host-storage", "monitoring", "api", "eventgrid", "upload-events" })
        {
            Assert.Empty(build.Main.Module(module).OfType("Microsoft.Authorization/roleAssignments"));
        }
    }

    private IEnumerable<(string Scope, string Role)> Assignments(string principal) =>
        Rbac.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => ArmTemplate.Str(assignment, "properties.principalId") == principal)
            .Select(assignment => (
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
