// The Event Grid system topic of the media storage account: the source of the BlobCreated events that
// drive the ScreenUpload function (the Event Grid blob trigger source, required on Flex Consumption).
// Its system-assigned identity writes the events it could not deliver to the dead-letter container
// (role in rbac.bicep), and two alerts say when that happens or when an event is lost altogether.

@description('Name of the system topic.')
param name string

@description('Azure region; a storage system topic lives in its account\'s region.')
param location string

@description('Tags for the topic, the alerts and the action group.')
param tags object

@description('Resource ID of the storage account whose events the topic publishes.')
param storageAccountId string

@description('E-mail address told when an alert fires; empty: the alerts show in the Azure portal only.')
param alertEmailAddress string = ''

// Dead-lettered: delivery gave up (24 hours or 30 attempts, or the webhook refused the event); the event
// is in the dead-letter container. Dropped: the event is gone without a trace (the dead-letter write
// itself failed). Either way an upload waits unscreened in uploads.
var lostEventMetrics = [
  {
    metric: 'DeadLetteredCount'
    alert: 'upload-events-dead-lettered'
    description: 'An upload event could not be delivered to ScreenUpload and was dead-lettered: the upload waits unscreened in uploads. See README, Operate: dead-lettered upload events.'
  }
  {
    metric: 'DroppedEventCount'
    alert: 'upload-events-dropped'
    description: 'An upload event was dropped without being dead-lettered: the upload waits unscreened in uploads, and the dead-letter container may be unreachable.'
  }
]

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource alertRecipients 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: 'ag-${name}'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'mediagate'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

resource lostEventAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for lost in lostEventMetrics: {
    name: '${lost.alert}-${name}'
    location: 'global'
    tags: tags
    properties: {
      description: lost.description
      severity: 2
      enabled: true
      scopes: [
        systemTopic.id
      ]
      evaluationFrequency: 'PT15M'
      windowSize: 'PT1H'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: lost.metric
            metricNamespace: 'Microsoft.EventGrid/systemTopics'
            metricName: lost.metric
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
          }
        ]
      }
      autoMitigate: true
      actions: empty(alertEmailAddress)
        ? []
        : [
            {
              actionGroupId: alertRecipients.id
            }
          ]
    }
  }
]

output name string = systemTopic.name
