// The MediaGate function app on a Flex Consumption (FC1) plan, running as the user-assigned
// identity. Storage connections are identity-based (service URIs + client ID, no keys): the host's
// own (AzureWebJobsStorage) on the host account, the app's data (MediaStorage) on the media account.
// Code packages come from a blob container on the host account, read with the same identity.
// Every HTTP request passes App Service Authentication (Easy Auth) with Microsoft Entra ID first.

import { accessGrant, accessGrantSettings } from 'access.bicep'

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

@description('Application (client) ID of the MediaGate app registration in Entra ID that people sign in to.')
param authClientId string

@description('Application ID URI of that registration (api://mediagate-<environment>): the audience of its access tokens.')
param authAudience string

@description('Who may do what for which school: the app reads these as MediaGate:Access:Grants.')
param accessGrants accessGrant[]

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

var baseAppSettings = {
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

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  // No WEBSITE_AUTH_ENABLED here: the platform injects it (read-only) when authsettingsV2 is enabled.
  properties: union(baseAppSettings, accessGrantSettings(accessGrants))
}

// App Service Authentication (Easy Auth) with Microsoft Entra ID (SPEC §10): people sign in with their school
// account; function keys are no identity.
//
// Easy Auth has one unauthenticated action for the whole app. The pages get the one people need,
// RedirectToLoginPage (the Entra sign-in, then back). The API must answer 401, never a 302 to a sign-in
// page that a script cannot follow, so /api/* is excluded from the platform's requirement and the app
// answers it: every API handler goes through ApiAccess, which answers 401 when there is no principal
// (problem details), and reads the principal only from X-MS-CLIENT-PRINCIPAL while the platform says its
// authentication is on (WEBSITE_AUTH_ENABLED). Excluding a path lifts only the requirement: Easy Auth still
// validates a token or session cookie there and passes its principal, and still strips principal headers
// a client sends, so nobody can make one up. Should the wildcard ever not match, /api answers the
// sign-in redirect instead of 401: closed, not open.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [
        // The API: the app's own identity check answers 401 (above).
        '/api/*'
        // Event Grid delivers upload events to the blob extension's webhook, which has no Entra ID
        // token to send. The Functions host itself refuses a call to it without the blobs_extension
        // system key (`code`), so it is not open; behind Easy Auth it would be a redirect, which Event
        // Grid does not follow, and no upload would ever be screened.
        '/runtime/webhooks/blobs'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          // Single tenant: only accounts of the tenant this is deployed into.
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: authClientId
          // No client secret (clientSecretSettingName): sign-in uses the ID token Entra ID posts back
          // (the registration has ID tokens enabled), which is all Easy Auth needs to establish the
          // session; the app calls no other API on the user's behalf, so there is no secret to keep.
        }
        validation: {
          // Access tokens of the API (v1: the Application ID URI; v2: the client ID) and the ID
          // tokens of sign-in (the client ID).
          allowedAudiences: [
            authAudience
            authClientId
          ]
        }
      }
    }
    login: {
      // Off: the app reads the caller from the X-MS-CLIENT-PRINCIPAL* headers and needs none of the
      // user's tokens. Flex Consumption has no shared file system for the default token store; the
      // alternative is a blob container reached by a SAS URL in an app setting, which this template
      // never creates. The session itself lives in Easy Auth's encrypted cookie, not in the store.
      tokenStore: {
        enabled: false
      }
      cookieExpiration: {
        convention: 'FixedTime'
        timeToExpiration: '08:00:00'
      }
      nonce: {
        validateNonce: true
      }
      preserveUrlFragmentsForLogins: true
    }
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
