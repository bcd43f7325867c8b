#!/bin/sh
# Subscribes the ScreenUpload function to BlobCreated events of the uploads container
# (infra/app/upload-events.bicep). Runs as azd's postdeploy hook, with the azd environment's
# values (AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_EVENTGRID_SYSTEM_TOPIC_NAME).
# The webhook needs the host's blobs_extension system key, which the host creates when it first
# starts with the Event Grid blob trigger; the key is read inside the deployment, never printed.
set -eu

if ! command -v az >/dev/null 2>&1; then
  echo "The Azure CLI (az) is needed to subscribe ScreenUpload to upload events; see README.md." >&2
  exit 1
fi

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up or azd deploy)}"
: "${AZURE_FUNCTION_APP_NAME:?run through azd (azd up or azd deploy)}"
: "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?run through azd (azd up or azd deploy)}"

echo "Waiting for the blobs_extension key of ${AZURE_FUNCTION_APP_NAME}..."
attempt=0
until [ "$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --query 'systemKeys.blobs_extension != null' --output tsv 2>/dev/null)" = "true" ]; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "No blobs_extension key after 5 minutes: is ScreenUpload deployed and the app running?" >&2
    exit 1
  fi
  sleep 10
done

az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name upload-events \
  --template-file infra/app/upload-events.bicep \
  --parameters systemTopicName="$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" functionAppName="$AZURE_FUNCTION_APP_NAME" \
  --output none

echo "ScreenUpload is subscribed to new blobs in uploads/."
