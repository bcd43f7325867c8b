// Who may reach the media storage account over the network. Written as functions so the rules can be
// evaluated without Azure (`bicep build-params` evaluates them; the infra tests do exactly that).
//
// Off by default: the account takes traffic from every network, and every caller still needs a
// Microsoft Entra ID role on the data (keys are off). Restricting it has one consequence that cannot be
// worked around: a Flex Consumption app has no fixed outbound addresses and is not a trusted Azure
// service, so once the firewall denies by default the function app reaches the account only from a
// subnet it is integrated with (virtual network rule, service endpoint Microsoft.Storage). Without that
// subnet the app would be locked out of its own data; networkSettingsProblem refuses that combination.

@export()
@description('The entries of a comma-separated list of public IP addresses and CIDR ranges (the STORAGE_ALLOWED_IP_RANGES setting): trimmed, blanks dropped, and a /32 range written as the bare address the storage firewall expects.')
func ipRangeList(list string) string[] =>
  map(
    filter(map(split(list, ','), entry => trim(entry)), entry => !empty(entry)),
    range => endsWith(range, '/32') ? split(range, '/')[0] : range
  )

@export()
@description('Why these network settings cannot work, or an empty string when they can.')
func networkSettingsProblem(allowedIpRanges string[], appSubnetId string) string =>
  !empty(allowedIpRanges) && empty(appSubnetId)
    ? 'STORAGE_ALLOWED_IP_RANGES closes the media storage account to every other network, the function app included: set APP_SUBNET_ID to the subnet the app joins as well, or neither.'
    : ''

@export()
@description('The networkAcls of the media storage account: open when no IP range and no subnet is given, otherwise denying everything but those ranges, that subnet and trusted Azure services.')
func mediaNetworkAcls(allowedIpRanges string[], appSubnetId string) object => {
  defaultAction: empty(allowedIpRanges) && empty(appSubnetId) ? 'Allow' : 'Deny'
  // Trusted Azure services pass the firewall: Event Grid writing dead-lettered events with its managed
  // identity. (Blob events themselves are published by the storage service, not through the firewall.)
  bypass: 'AzureServices'
  ipRules: map(allowedIpRanges, range => {
    value: range
    action: 'Allow'
  })
  virtualNetworkRules: empty(appSubnetId)
    ? []
    : [
        {
          id: appSubnetId
          action: 'Allow'
        }
      ]
}
