# Subscribes the ScreenUpload function to BlobCreated events of the uploads container
# (infra/app/upload-events.bicep). Runs as azd's postdeploy hook on Windows; see
# subscribe-uploads.sh for what it does and why it runs after the code is deployed.
$ErrorActionPreference = 'Stop'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw 'The Azure CLI (az) is needed to subscribe ScreenUpload to upload events; see README.md.'
}
foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_EVENTGRID_SYSTEM_TOPIC_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set: run through azd (azd up or azd deploy)." }
}

Write-Host "Waiting for the blobs_extension key of $env:AZURE_FUNCTION_APP_NAME..."
$attempt = 0
while ((az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
        --query 'systemKeys.blobs_extension != null' --output tsv 2>$null) -ne 'true') {
    $attempt++
    if ($attempt -ge 30) { throw 'No blobs_extension key after 5 minutes: is ScreenUpload deployed and the app running?' }
    Start-Sleep -Seconds 10
}

az deployment group create `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --name upload-events `
    --template-file infra/app/upload-events.bicep `
    --parameters systemTopicName=$env:AZURE_EVENTGRID_SYSTEM_TOPIC_NAME functionAppName=$env:AZURE_FUNCTION_APP_NAME `
    --output none
if ($LASTEXITCODE -ne 0) { throw 'The upload-events deployment failed.' }

Write-Host 'ScreenUpload is subscribed to new blobs in uploads/.'
