// Subscribes the ScreenUpload function to new blobs in uploads/. Its webhook needs the Functions
// host's blobs_extension system key, which exists only once code with an Event Grid blob trigger
// runs on the app; so this is deployed after `azd deploy`, by the postdeploy hook
// (scripts/subscribe-uploads.sh), or by main.bicep when UPLOAD_EVENTS_ENABLED is true: both deploy
// this one file. The key is read from the function host inside the deployment and never leaves Azure.
//
// An event that cannot be delivered is never dropped silently: after the retries it is dead-lettered,
// with the system topic's own identity, into a container of the account the topic watches (the media
// account: the event names an upload, so it stays with the uploads, under their network rules and
// storage logs). eventgrid.bicep alerts on it; README, Operate says what to do.

@description('Name of the storage account\'s Event Grid system topic.')
param systemTopicName string

@description('Name of the function app that hosts ScreenUpload.')
param functionAppName string

@description('Blob container, on the storage account the topic watches, that receives dead-lettered events.')
param deadLetterContainerName string = 'deadletter'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// The host's keys (Microsoft.Web/sites/host has no published type to reference it by symbol).
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension

resource screenUpload 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'screen-upload'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.ScreenUpload&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/uploads/'
      // Only the operations that create or replace a whole blob.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
          ]
        }
      ]
    }
    // The most Event Grid allows: 30 attempts with exponential back-off over up to 24 hours, so a
    // function app that is down for hours still gets every upload; then the event is dead-lettered.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: systemTopic.properties.source
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output name string = screenUpload.name
