// Kalisto MediaGate on Azure: `azd up` provisions this, then deploys the function app.
targetScope = 'subscription'

import { ipRangeList, networkSettingsProblem } from 'app/network.bicep'
import { accessGrant, accessGrantsProblem, authClientIdProblem } from 'app/access.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; with the subscription and region it seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group name; empty for rg-<environment>.')
param resourceGroupName string = ''

@description('Subscribe ScreenUpload to upload events here. Needs deployed code (the blobs_extension key); the postdeploy hook does it on the first `azd up`.')
param uploadEventsEnabled bool = false

@description('E-mail address told when an upload event is dead-lettered or dropped; empty: the alerts show in the Azure portal only.')
param alertEmailAddress string = ''

@description('Public IP addresses and CIDR ranges, comma-separated, that may reach the media storage account (people working with it from outside Azure). Empty, with no appSubnetId: every network may (each caller still needs an Entra ID role). Needs appSubnetId.')
param storageAllowedIpRanges string = ''

@description('Resource ID of a subnet delegated to Microsoft.App/environments, with the Microsoft.Storage service endpoint, in the same region: the function app joins it and the media storage account then takes traffic only from it, from storageAllowedIpRanges and from trusted Azure services. Empty: no virtual network.')
param appSubnetId string = ''

@description('Application (client) ID of the MediaGate app registration in Entra ID that people sign in to (AZURE_AUTH_CLIENT_ID; README, "Access"). Required: App Service Authentication refuses every request without a signed-in user.')
param authClientId string

@description('Who may do what for which school (MEDIAGATE_ACCESS_GRANTS, JSON): each grant gives an Entra ID group (object ID) or an app role one of the roles teacher, communications, privacy, admin, for the schools listed (none for admin). Empty: signed-in people reach no school.')
param accessGrants accessGrant[] = []

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'app-package'
// The pipeline's containers on the media account; the function app's blob role covers these only.
var mediaContainerNames = [
  'uploads'
  'approved'
  'quarantine'
  'previews'
]
var deadLetterContainerName = 'deadletter'
var allowedIpRanges = ipRangeList(storageAllowedIpRanges)
var networkProblem = networkSettingsProblem(allowedIpRanges, appSubnetId)
var authProblem = authClientIdProblem(authClientId)
var grantsProblem = accessGrantsProblem(accessGrants)
// The Application ID URI of the app registration: the audience of the API's access tokens.
var authAudience = 'api://mediagate-${environmentName}'
var identityName = 'id-api-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var hostStorageAccountName = 'stfunc${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var functionAppName = 'func-${resourceToken}'
// The app's own address: its default host name, since the site asks for no generated (random) host name.
var appOrigin = 'https://${functionAppName}.azurewebsites.net'
var systemTopicName = 'evgt-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

// The app's data: media, register, items, queues.
module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    mediaContainerNames: mediaContainerNames
    deadLetterContainerName: deadLetterContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    allowedIpRanges: empty(networkProblem) ? allowedIpRanges : fail(networkProblem)
    appSubnetId: appSubnetId
    uploadOrigins: [
      appOrigin
    ]
  }
}

// The Functions host's own state and the code packages (AzureWebJobsStorage).
module hostStorage 'app/host-storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: hostStorageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    mediaStorageAccountName: storageAccountName
    mediaContainerNames: mediaContainerNames
    deadLetterContainerName: deadLetterContainerName
    hostStorageAccountName: hostStorageAccountName
    applicationInsightsName: applicationInsightsName
    identityName: identityName
    systemTopicName: systemTopicName
  }
  dependsOn: [
    identity
    storage
    hostStorage
    monitoring
    eventGrid
  ]
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostQueueEndpoint: hostStorage.outputs.queueEndpoint
    hostTableEndpoint: hostStorage.outputs.tableEndpoint
    mediaBlobEndpoint: storage.outputs.blobEndpoint
    mediaQueueEndpoint: storage.outputs.queueEndpoint
    mediaTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    appSubnetId: appSubnetId
    authClientId: empty(authProblem) ? authClientId : fail(authProblem)
    authAudience: authAudience
    accessGrants: empty(grantsProblem) ? accessGrants : fail(grantsProblem)
  }
  // The host must be able to reach its storage and deployment container when it first starts.
  dependsOn: [
    rbac
  ]
}

module eventGrid 'app/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    alertEmailAddress: alertEmailAddress
  }
}

module uploadEvents 'app/upload-events.bicep' = if (uploadEventsEnabled) {
  name: 'upload-events'
  scope: rg
  params: {
    systemTopicName: systemTopicName
    functionAppName: functionAppName
    deadLetterContainerName: storage.outputs.deadLetterContainerName
  }
  // The code must run (the key) and the topic's identity must hold its dead-letter role.
  dependsOn: [
    api
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceCustomerId
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_URI string = api.outputs.uri
output AZURE_AUTH_AUDIENCE string = authAudience
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
