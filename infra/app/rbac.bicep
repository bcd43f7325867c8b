// Every data-plane role the deployment grants, each on the narrowest scope that works. Built-in role
// definition IDs: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
//
// The function app's identity: Contributor-level roles on the media account (blobs only in the
// pipeline's containers), Blob Delegator there (user delegation keys for upload URLs), what the Functions host needs on its own account, and telemetry publishing.
// The Event Grid system topic's identity: writing dead-lettered events into their container.

@description('Name of the media storage account.')
param mediaStorageAccountName string

@description('Blob containers of the pipeline on the media account (uploads, approved, quarantine, previews).')
param mediaContainerNames string[]

@description('Blob container on the media account that receives dead-lettered upload events.')
param deadLetterContainerName string

@description('Name of the Functions host\'s storage account (AzureWebJobsStorage).')
param hostStorageAccountName string

@description('Name of the Application Insights component the app sends telemetry to.')
param applicationInsightsName string

@description('Name of the function app\'s user-assigned identity.')
param identityName string

@description('Name of the Event Grid system topic of the media account.')
param systemTopicName string

// Storage Blob Data Owner
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Contributor
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Queue Data Contributor
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Table Data Contributor
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Storage Blob Delegator
var storageBlobDelegator = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
// Monitoring Metrics Publisher
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource mediaAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: mediaStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource mediaContainers 'containers' existing = [
      for containerName in mediaContainerNames: {
        name: containerName
      }
    ]

    resource deadLetterContainer 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: hostStorageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

// Media account. Blob Data Contributor on each pipeline container (read, write, delete, server-side
// copy; nothing on the dead-letter container or on the account itself).
resource mediaBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in mediaContainerNames: {
    name: guid(mediaAccount::blobService::mediaContainers[i].id, identity.id, storageBlobDataContributor)
    scope: mediaAccount::blobService::mediaContainers[i]
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    }
  }
]

// Media account. Get User Delegation Key, to sign the create-only upload URLs teachers are given (a user
// delegation SAS, never a key). The key is asked for at the level of the blob service, so the role can be held
// no lower than the account; it lets the identity sign, not access: what a URL may do is checked against the
// identity's own roles (Blob Data Contributor on the pipeline containers) as well as the URL's permissions.
resource mediaBlobDelegator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaAccount.id, identity.id, storageBlobDelegator)
  scope: mediaAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDelegator)
  }
}

// Media account. The redact, rescreen and previews queues, their -poison queues, and webjobs-blobtrigger-poison,
// which the Event Grid blob trigger writes on the account of its connection (MediaStorage).
resource mediaQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaAccount.id, identity.id, storageQueueDataContributor)
  scope: mediaAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}

// Media account. The consent register (with its history and outbox), the items (states, decisions,
// index) and runs tables.
resource mediaTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaAccount.id, identity.id, storageTableDataContributor)
  scope: mediaAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

// Host account. What Microsoft documents for AzureWebJobsStorage with an identity: the host creates its
// containers and keeps host keys, timer and singleton leases there; Flex Consumption reads the code
// package from the deployment container with the same identity.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostAccount.id, identity.id, storageBlobDataOwner)
  scope: hostAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
  }
}

// Host account. The Event Grid blob trigger's webhook queues each event on the host's
// azure-webjobs-blobtrigger-<host id> queue, which the host then works off.
resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostAccount.id, identity.id, storageQueueDataContributor)
  scope: hostAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}

// Host account. The host persists its diagnostic events (AzureFunctionsDiagnosticEvents tables, shown
// under "Diagnose and solve problems") in table storage.
resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostAccount.id, identity.id, storageTableDataContributor)
  scope: hostAccount
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

// Entra ID-authenticated telemetry to Application Insights.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identity.id, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

// The system topic's own identity writes events it could not deliver to the dead-letter container,
// and nowhere else (Event Grid passes the storage firewall as a trusted service with it).
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(mediaAccount::blobService::deadLetterContainer.id, systemTopic.id, storageBlobDataContributor)
  scope: mediaAccount::blobService::deadLetterContainer
  properties: {
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}
