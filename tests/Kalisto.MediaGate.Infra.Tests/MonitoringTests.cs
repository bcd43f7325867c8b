using Kalisto.MediaGate.Infra.Tests.Support;

namespace Kalisto.MediaGate.Infra.Tests;

[Collection(BicepBuildCollection.Name)]
public sealed class MonitoringTests(BicepBuild build)
{
    private ArmTemplate Monitoring => build.Main.Module("monitoring");

    [Fact]
    public void Application_insights_accepts_no_key_based_telemetry()
    {
        var component = Monitoring.Single("Microsoft.Insights/components");

        Assert.True(component["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Application_insights_keeps_its_data_in_the_log_analytics_workspace()
    {
        var component = Monitoring.Single("Microsoft.Insights/components");
        var workspace = Monitoring.Single("Microsoft.OperationalInsights/workspaces");

        Assert.Equal("[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]",
            ArmTemplate.Str(component, "properties.WorkspaceResourceId"));
        Assert.Equal("PerGB2018", ArmTemplate.Str(workspace, "properties.sku.name"));
    }

    [Fact]
    public void The_workspace_id_for_queries_is_recorded_by_azd()
    {
        Assert.Equal("[reference(resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName')), '2023-09-01').customerId]",
            ArmTemplate.Str(Monitoring.Outputs, "workspaceCustomerId.value"));
        var recorded = ArmTemplate.Str(build.Main.Outputs, "AZURE_LOG_ANALYTICS_WORKSPACE_ID.value");
        Assert.True(build.Main.ReadsModuleOutput(recorded, "monitoring", "workspaceCustomerId"), recorded);
    }
}
