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
    public void Subscription_waits_for_deployed_code_unless_enabled()
    {
        var module = build.Main.ModuleDeployment("upload-events");

        Assert.Equal("[parameters('uploadEventsEnabled')]", ArmTemplate.Str(module, "condition"));
        Assert.False(build.Main.Root["parameters"]!["uploadEventsEnabled"]!["defaultValue"]!.GetValue<bool>());
    }
}
