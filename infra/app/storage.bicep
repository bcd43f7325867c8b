// The media storage account: the uploads, approved, quarantine and previews containers, the dead-letter
// container of the upload events, the consent, items, runs and upload grants tables and the redact, rescreen
// and previews queues. The Functions host keeps its own state in another account (host-storage.bicep), so
// nobody needs more than Contributor-level data roles here. Keys are off: every caller authenticates with
// Microsoft Entra ID.
// Every read, write and delete of its blobs, tables and queues is logged to Log Analytics.

import { mediaNetworkAcls } from 'network.bicep'

@description('Name of the storage account (3-24 lowercase letters and digits).')
param name string

@description('Azure region of the account.')
param location string

@description('Tags for the account.')
param tags object

@description('Blob containers of the pipeline (uploads, approved, quarantine, previews).')
param mediaContainerNames string[]

@description('Blob container Event Grid writes the upload events it could not deliver to.')
param deadLetterContainerName string

@description('Days a deleted blob or container can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 7

@description('Days a dead-lettered upload event is kept (it names the upload; the upload itself stays in uploads).')
@minValue(1)
param deadLetterRetentionDays int = 30

@description('Resource ID of the Log Analytics workspace that receives the storage logs.')
param logAnalyticsWorkspaceId string

@description('Public IP addresses and CIDR ranges that may reach the account; empty with no appSubnetId: every network.')
param allowedIpRanges string[]

@description('Resource ID of the subnet the function app is integrated with; empty: none.')
param appSubnetId string

@description('Origins (https://host) of the web app, whose pages send files straight to an upload URL.')
@minLength(1)
param uploadOrigins string[]

@description('Request headers a browser upload sends (single PUT, blocks and the block list); as UploadCors.AllowedHeaders.')
param uploadHeaders string[] = [
  'content-type'
  'x-ms-blob-type'
  'x-ms-blob-content-type'
  'x-ms-meta-uploader'
  'x-ms-version'
  'x-ms-client-request-id'
  'if-none-match'
]

var tableNames = [
  'consent'
  'items'
  'runs'
  'uploadgrants'
]

// The host creates the matching -poison queues itself. redact is the imaging worker's (RedactImage): the face
// detection of the images whose tags would publish them, and the redactions.
var queueNames = [
  'redact'
  'rescreen'
  'previews'
]

// Who read, wrote or deleted what, and when (caller object ID, IP address, operation, object).
var auditLogs = [
  {
    category: 'StorageRead'
    enabled: true
  }
  {
    category: 'StorageWrite'
    enabled: true
  }
  {
    category: 'StorageDelete'
    enabled: true
  }
]

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: mediaNetworkAcls(allowedIpRanges, appSubnetId)
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
        }
        file: {
          enabled: true
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
        table: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // No versions: a copy that leaves approved must not stay readable as a previous version to whoever
    // may read approved. The pipeline never needs one: every write is conditional on an ETag.
    isVersioningEnabled: false
    // A deleted blob (and an overwritten one, as a snapshot) can be restored for a while; soft-deleted
    // data cannot be read without restoring it first, which takes a write role.
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    // A browser asks first whether a page of the app may send a file here: only PUT (a blob, a block, the
    // block list) from the app's own origin, with the headers an upload URL names; the SAS still decides
    // which one blob may be written. Nothing is exposed to the page but the request ID.
    cors: {
      corsRules: [
        {
          allowedOrigins: uploadOrigins
          allowedMethods: [
            'PUT'
          ]
          allowedHeaders: uploadHeaders
          exposedHeaders: [
            'x-ms-request-id'
          ]
          maxAgeInSeconds: 600
        }
      ]
    }
  }
}

resource mediaContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in mediaContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          // Versioning is off, but versions kept while an earlier deployment had it on survive that, and
          // would stay readable to every holder of a read role on their container (withdrawn approved
          // copies included): delete them at the policy's next run (about once a day).
          name: 'delete-leftover-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: 0
                }
              }
            }
          }
        }
        {
          // A dead-lettered event names an upload (school and file name): keep it no longer than needed.
          name: 'delete-old-dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${deadLetterContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: deadLetterRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    blobService
  ]
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: auditLogs
  }
}

resource tableAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: auditLogs
  }
}

resource queueAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: auditLogs
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output deadLetterContainerName string = deadLetterContainer.name
