// The Event Grid system topic of the storage account: the source of the BlobCreated events that
// drive the ScreenUpload function (the Event Grid blob trigger source, required on Flex Consumption).

@description('Name of the system topic.')
param name string

@description('Azure region; a storage system topic lives in its account\'s region.')
param location string

@description('Tags for the topic.')
param tags object

@description('Resource ID of the storage account whose events the topic publishes.')
param storageAccountId string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
