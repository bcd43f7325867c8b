using System.Text.Json.Nodes;
using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class UploadEventsTests(BicepBuild build)
{
    private ArmTemplate UploadEvents => build.Main.Module("upload-events");

    private JsonObject Subscription => UploadEvents.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");

    [Fact]
    public void Storage_events_come_from_a_system_topic_on_the_media_storage_account()
    {
        var eventGrid = build.Main.Module("eventgrid");
        var topic = eventGrid.Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("Microsoft.Storage.StorageAccounts", ArmTemplate.Str(topic, "properties.topicType"));
        Assert.Equal("[parameters('storageAccountId')]", ArmTemplate.Str(topic, "properties.source"));
        Assert.Contains("'storage'", eventGrid.PassedParameter("storageAccountId"), StringComparison.Ordinal);
        Assert.Contains("outputs.id.value", eventGrid.PassedParameter("storageAccountId"), StringComparison.Ordinal);
        Assert.Equal(eventGrid.PassedParameter("name"), UploadEvents.PassedParameter("systemTopicName"));
    }

    [Fact]
    public void Only_blob_created_events_in_uploads_reach_the_function()
    {
        var filter = Subscription["properties"]!["filter"]!;

        Assert.Equal(["Microsoft.Storage.BlobCreated"], ArmTemplate.Strings(filter["includedEventTypes"]));
        Assert.Equal("/blobServices/default/containers/uploads/", ArmTemplate.Str(filter, "subjectBeginsWith"));
        Assert.Null(filter["subjectEndsWith"]);
    }

    [Fact]
    public void Only_operations_that_create_a_whole_blob_trigger_screening()
    {
        var advanced = Subscription["properties"]!["filter"]!["advancedFilters"]!.AsArray().Single()!;

        Assert.Equal("StringIn", ArmTemplate.Str(advanced, "operatorType"));
        Assert.Equal("data.api", ArmTemplate.Str(advanced, "key"));
        Assert.Equal(["CopyBlob", "FlushWithClose", "PutBlob", "PutBlockList"], ArmTemplate.Strings(advanced["values"]).Order());
    }

    [Fact]
    public void Events_are_delivered_to_the_blob_extension_webhook_of_screen_upload()
    {
        Assert.Equal("WebHook", ArmTemplate.Str(Subscription, "properties.destination.endpointType"));
        Assert.Equal("EventGridSchema", ArmTemplate.Str(Subscription, "properties.eventDeliverySchema"));

        var endpoint = ArmTemplate.Str(Subscription, "properties.destination.properties.endpointUrl")!;
        Assert.StartsWith(
            "[format('https://{0}/runtime/webhooks/blobs?functionName=Host.Functions.ScreenUpload&code={1}', reference(resourceId('Microsoft.Web/sites', parameters('functionAppName'))",
            endpoint,
            StringComparison.Ordinal);
        Assert.EndsWith(
            "listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', parameters('functionAppName'))), '2024-04-01').systemKeys.blobs_extension)]",
            endpoint,
            StringComparison.Ordinal);
        Assert.Equal(build.Main.Module("api").PassedParameter("name"), UploadEvents.PassedParameter("functionAppName"));
    }

    [Fact]
    public void Subscription_waits_for_deployed_code_and_the_dead_letter_role_unless_enabled()
    {
        var module = build.Main.ModuleDeployment("upload-events");

        Assert.Equal("[parameters('uploadEventsEnabled')]", ArmTemplate.Str(module, "condition"));
        Assert.False(build.Main.ParameterDefault("uploadEventsEnabled")!.GetValue<bool>());
        Assert.True(build.Main.DependsOnModule(module, "api"), "The subscription does not wait for the app.");
        Assert.True(build.Main.DependsOnModule(module, "rbac"), "The subscription does not wait for the dead-letter role.");
    }

    [Fact]
    public void Delivery_is_retried_as_long_as_event_grid_allows()
    {
        Assert.Equal(30, Subscription["properties"]!["retryPolicy"]!["maxDeliveryAttempts"]!.GetValue<int>());
        Assert.Equal(1440, Subscription["properties"]!["retryPolicy"]!["eventTimeToLiveInMinutes"]!.GetValue<int>());
    }

    [Fact]
    public void Undeliverable_events_are_dead_lettered_with_the_topics_identity_into_the_watched_account()
    {
        var deadLetter = Subscription["properties"]!["deadLetterWithResourceIdentity"]!;

        Assert.Equal("SystemAssigned", ArmTemplate.Str(deadLetter, "identity.type"));
        Assert.Equal("StorageBlob", ArmTemplate.Str(deadLetter, "deadLetterDestination.endpointType"));
        // The account the topic publishes events of: the media account.
        Assert.Equal("[reference(resourceId('Microsoft.EventGrid/systemTopics', parameters('systemTopicName')), '2025-02-15').source]",
            ArmTemplate.Str(deadLetter, "deadLetterDestination.properties.resourceId"));
        Assert.Equal("[parameters('deadLetterContainerName')]", ArmTemplate.Str(deadLetter, "deadLetterDestination.properties.blobContainerName"));
        // No key-based dead-lettering beside it.
        Assert.Null(Subscription["properties"]!["deadLetterDestination"]);

        Assert.True(build.Main.ReadsModuleOutput(UploadEvents.PassedParameter("deadLetterContainerName"), "storage", "deadLetterContainerName"), UploadEvents.PassedParameter("deadLetterContainerName"));
        Assert.Contains("parameters('deadLetterContainerName')", ArmTemplate.Str(build.Main.Module("storage").Outputs, "deadLetterContainerName.value"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_system_topic_has_its_own_identity_for_dead_lettering()
    {
        var topic = build.Main.Module("eventgrid").Single("Microsoft.EventGrid/systemTopics");

        Assert.Equal("SystemAssigned", ArmTemplate.Str(topic, "identity.type"));
    }

    [Fact]
    public void The_deploy_hook_deploys_the_same_subscription_with_the_same_dead_letter_container()
    {
        var standalone = build.UploadEventsBuild;
        Assert.True(standalone.ExitCode == 0 && standalone.Diagnostics.Length == 0, standalone.Diagnostics);

        var subscription = standalone.Main.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.True(JsonNode.DeepEquals(Subscription, subscription), "upload-events.bicep compiles to another subscription than main.bicep deploys.");
        // The hook passes no container: the default is the container main.bicep creates.
        Assert.Equal(ArmTemplate.Str(build.Main.Variables, "deadLetterContainerName"),
            standalone.Main.ParameterDefault("deadLetterContainerName")!.GetValue<string>());
        foreach (var script in new[] { "subscribe-uploads.sh", "subscribe-uploads.ps1" })
        {
            var text = File.ReadAllText(Path.Combine(BicepBuild.RepositoryRoot(), "scripts", script));
            Assert.Contains("infra/app/upload-events.bicep", text, StringComparison.Ordinal);
            Assert.DoesNotContain("deadLetterContainerName", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("DeadLetteredCount")]
    [InlineData("DroppedEventCount")]
    public void An_alert_fires_on_the_system_topic_when_an_upload_event_is_dead_lettered_or_dropped(string metric)
    {
        var eventGrid = build.Main.Module("eventgrid");
        var alerts = eventGrid.Single("Microsoft.Insights/metricAlerts");
        var metrics = eventGrid.Variables["lostEventMetrics"]!.AsArray().Select(item => ArmTemplate.Str(item!, "metric"));

        Assert.Contains(metric, metrics);
        Assert.Equal("[length(variables('lostEventMetrics'))]", ArmTemplate.Str(alerts, "copy.count"));
        Assert.Equal(["[resourceId('Microsoft.EventGrid/systemTopics', parameters('name'))]"], ArmTemplate.Strings(alerts["properties"]!["scopes"]));
        Assert.True(alerts["properties"]!["enabled"]!.GetValue<bool>());

        var criterion = alerts["properties"]!["criteria"]!["allOf"]!.AsArray().Single()!;
        Assert.Equal("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", alerts["properties"]!["criteria"]!["odata.type"]!.ToString());
        Assert.Equal("[variables('lostEventMetrics')[copyIndex()].metric]", ArmTemplate.Str(criterion, "metricName"));
        Assert.Equal("Microsoft.EventGrid/systemTopics", ArmTemplate.Str(criterion, "metricNamespace"));
        Assert.Equal("GreaterThan", ArmTemplate.Str(criterion, "operator"));
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        Assert.Equal("Total", ArmTemplate.Str(criterion, "timeAggregation"));
    }

    [Fact]
    public void Alert_mail_goes_out_only_when_an_address_is_given()
    {
        var eventGrid = build.Main.Module("eventgrid");
        var actionGroup = eventGrid.Single("Microsoft.Insights/actionGroups");
        var alerts = eventGrid.Single("Microsoft.Insights/metricAlerts");

        Assert.Equal("[not(empty(parameters('alertEmailAddress')))]", ArmTemplate.Str(actionGroup, "condition"));
        Assert.Equal("[parameters('alertEmailAddress')]", ArmTemplate.Str(actionGroup["properties"]!["emailReceivers"]!.AsArray().Single()!, "emailAddress"));
        Assert.StartsWith("[if(empty(parameters('alertEmailAddress')), createArray(), createArray(createObject('actionGroupId', resourceId('Microsoft.Insights/actionGroups'",
            ArmTemplate.Str(alerts, "properties.actions"), StringComparison.Ordinal);

        Assert.Equal("[parameters('alertEmailAddress')]", eventGrid.PassedParameter("alertEmailAddress"));
        Assert.Equal("", build.Main.ParameterDefault("alertEmailAddress")!.GetValue<string>());
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepBuild.InfraDirectory, "main.parameters.json")))!["parameters"]!;
        Assert.Equal("${ALERT_EMAIL_ADDRESS=}", ArmTemplate.Str(parameters, "alertEmailAddress.value"));
    }
}
