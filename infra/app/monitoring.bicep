// Log Analytics and a workspace-based Application Insights that accepts only Entra ID-authenticated
// telemetry (local, key-based ingestion is off).

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region of both resources.')
param location string

@description('Tags for both resources.')
param tags object

@description('Days Log Analytics keeps data (30 days are included in the ingestion price).')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
output workspaceId string = workspace.id
// The workspace ID `az monitor log-analytics query --workspace` takes (not a secret).
output workspaceCustomerId string = workspace.properties.customerId
// The connection string holds the instrumentation key and the ingestion endpoint, which identify
// the component; with local authentication off it grants nothing without an Entra ID token.
output connectionString string = applicationInsights.properties.ConnectionString
