// The MediaGate function app on a Flex Consumption (FC1) plan, running as the user-assigned
// identity. Storage connections are identity-based (service URIs + client ID, no keys): the host's
// own (AzureWebJobsStorage) on the host account, the app's data (MediaStorage) on the media account.
// Code packages come from a blob container on the host account, read with the same identity.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags for the plan; the app gets them too, plus azd-service-name.')
param tags object

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of that identity.')
param identityClientId string

@description('Blob endpoint of the Functions host\'s storage account (https://<account>.blob.core.windows.net/).')
param hostBlobEndpoint string

@description('Queue endpoint of the Functions host\'s storage account.')
param hostQueueEndpoint string

@description('Table endpoint of the Functions host\'s storage account.')
param hostTableEndpoint string

@description('Blob endpoint of the media storage account.')
param mediaBlobEndpoint string

@description('Queue endpoint of the media storage account.')
param mediaQueueEndpoint string

@description('Table endpoint of the media storage account.')
param mediaTableEndpoint string

@description('URL of the container, on the host account, Flex Consumption deploys code packages from.')
param deploymentContainerUrl string

@description('Resource ID of a subnet (delegated to Microsoft.App/environments) the app joins for its outbound traffic; empty: none.')
param appSubnetId string = ''

@description('Application Insights connection string (identifies the component; no key).')
param applicationInsightsConnectionString string

@description('Memory of one instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on instances, which bounds the cost of a burst of uploads.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Identity-based connections: service URIs and the identity to use, no account key. The host's
    // own storage (AzureWebJobsStorage) has an account of its own; everything the functions read and
    // write, the ScreenUpload trigger's uploads included, goes through MediaStorage.
    AzureWebJobsStorage__blobServiceUri: hostBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: hostQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: hostTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    MediaStorage__blobServiceUri: mediaBlobEndpoint
    MediaStorage__queueServiceUri: mediaQueueEndpoint
    MediaStorage__tableServiceUri: mediaTableEndpoint
    MediaStorage__credential: 'managedidentity'
    MediaStorage__clientId: identityClientId
    // Telemetry is accepted only with an Entra ID token of this identity.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The worker's OpenTelemetry exporter signs in as this identity too.
    AZURE_CLIENT_ID: identityClientId
  }
}

// No publishing user names and passwords: deployments authenticate with Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = functionApp.id
output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
