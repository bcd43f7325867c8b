// Who may do what for which school (SPEC §10): configuration, not code. Each grant gives the members of
// one Entra ID group, or the holders of one app role of the MediaGate app registration, one role for a
// list of schools. The app reads them as MediaGate:Access:Grants (app settings
// MediaGate__Access__Grants__<n>__Group / __AppRole / __Role / __Schools__<m>; an admin grant gets the one
// school "*", every school).
// Written as functions so the rules can be evaluated without Azure (`bicep build-params` evaluates
// them; the infra tests do exactly that).

@export()
@description('One grant: a group object ID or an app role value (exactly one), the role, and the school codes it covers (none for admin, which covers every school).')
type accessGrant = {
  @description('Object ID of the Entra ID group whose members get the role (az ad group show --group <name> --query id).')
  group: string?

  @description('Value of an app role of the MediaGate app registration whose holders get the role (the roles claim).')
  appRole: string?

  @description('teacher, communications, privacy or admin (SPEC §10).')
  role: 'teacher' | 'communications' | 'privacy' | 'admin'

  @description('School codes (lower-case letters, digits and -) the role applies to; empty for admin.')
  schools: string[]
}

@export()
@description('Why these grants cannot be used, or an empty string when they can: each names exactly one of group and appRole, and schools for every role but admin (which has none).')
func accessGrantsProblem(grants accessGrant[]) string =>
  join(
    map(
      filter(range(0, length(grants)), i => !empty(grantProblem(grants[i]))),
      i => 'MEDIAGATE_ACCESS_GRANTS[${i}]: ${grantProblem(grants[i])}'
    ),
    ' '
  )

@description('What is wrong with one grant, or an empty string.')
func grantProblem(grant accessGrant) string =>
  empty(grant.?group ?? '') == empty(grant.?appRole ?? '')
    ? 'give exactly one of "group" (a group object ID) and "appRole" (an app role value).'
    : grant.role == 'admin' && !empty(grant.schools)
        ? 'admin covers every school; leave "schools" empty.'
        : grant.role != 'admin' && empty(grant.schools)
            ? 'name the schools this ${grant.role} role is for in "schools".'
            : !empty(filter(grant.schools, school => empty(trim(school)) || school != toLower(trim(school))))
                ? 'school codes are lower case, without spaces around them.'
                : ''

@export()
@description('The app settings that carry the grants as MediaGate:Access:Grants (an empty object for no grants).')
func accessGrantSettings(grants accessGrant[]) object =>
  reduce(
    map(range(0, length(grants)), i => grantSettings(i, grants[i])),
    {},
    (all, settings) => union(all, settings)
  )

@description('The app settings of grant number index.')
func grantSettings(index int, grant accessGrant) object =>
  union(
    empty(grant.?group ?? '') ? {} : { 'MediaGate__Access__Grants__${index}__Group': grant.group! },
    empty(grant.?appRole ?? '') ? {} : { 'MediaGate__Access__Grants__${index}__AppRole': grant.appRole! },
    { 'MediaGate__Access__Grants__${index}__Role': grant.role },
    // The app reads an admin grant as every school, written "*" (MediaGate:Access in Core/Access).
    grant.role == 'admin'
      ? { 'MediaGate__Access__Grants__${index}__Schools__0': '*' }
      : toObject(
          range(0, length(grant.schools)),
          school => 'MediaGate__Access__Grants__${index}__Schools__${school}',
          school => grant.schools[school]
        )
  )

@export()
@description('Why this is not the application (client) ID of an app registration, or an empty string when it can be.')
func authClientIdProblem(clientId string) string =>
  empty(clientId)
    ? 'Set AZURE_AUTH_CLIENT_ID to the application (client) ID of the MediaGate app registration in Entra ID (README, "Access"): azd env set AZURE_AUTH_CLIENT_ID <appId>. Without it nobody could sign in.'
    : length(clientId) != 36 || length(split(clientId, '-')) != 5 || !empty(filter(
          map(range(0, length(clientId)), i => substring(clientId, i, 1)),
          character => !contains('0123456789abcdef-', toLower(character))
        ))
        ? 'AZURE_AUTH_CLIENT_ID must be the application (client) ID of the app registration, a GUID such as 00000000-0000-0000-0000-000000000000 (az ad app list --display-name <name> --query [].appId).'
        : ''
