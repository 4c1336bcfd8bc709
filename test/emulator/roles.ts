import type { ArmResource } from './state.js';

/**
 * Well-known built-in Azure RBAC roles (name -> GUID as published in "Azure built-in roles"), enough for
 * GET roleDefinitions/{id} on the roles policy definitions declare. The emulator does not hold the full
 * catalog, so a role assignment PUT accepts any well-formed role definition GUID.
 */
export const BUILTIN_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'fb1c8493-542b-48eb-b624-b4c8fea62acd': 'Security Admin',
  '39bc4728-0917-49c7-9d2c-d95423bc2eb4': 'Security Reader',
  '36243c78-bf99-498c-9df9-86d9f8d28608': 'Resource Policy Contributor',
  '92aaf0da-9dab-42b6-94a3-d43ce8d16293': 'Log Analytics Contributor',
  '73c42c96-874c-492b-b04d-ab87d138a893': 'Log Analytics Reader',
  '749f88d5-cbae-40b8-bcfc-e573ddc772fa': 'Monitoring Contributor',
  '43d0d8ad-25c7-4714-9337-8ba259a9fe05': 'Monitoring Reader',
  '9980e02c-c2be-4d73-94e8-173b1dc7cf3c': 'Virtual Machine Contributor',
  '4d97b98b-1d4f-4787-a291-c67834d212e7': 'Network Contributor',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
  'f25e0fa2-a7c8-4377-a976-54943a77a395': 'Key Vault Contributor',
  '056cd41c-7e88-42e1-933e-88ba6a50c9c3': 'SQL Security Manager',
  '6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437': 'SQL Server Contributor',
  'f1a07417-d97a-45cb-824c-7a7467783830': 'Managed Identity Operator',
  'cd570a14-e51a-42ad-bac8-bafd67325302': 'Azure Connected Machine Resource Administrator',
};

/**
 * Permissions of the built-in roles whose actions tests depend on (init's "can the caller write policy and role
 * assignments" check), as listed in Learn "Azure built-in roles" (Owner, Contributor's notActions abbreviated to
 * the Microsoft.Authorization ones, Reader, User Access Administrator, Resource Policy Contributor, Role Based
 * Access Control Administrator without its ABAC condition). Other roles answer with actions ['*'].
 */
const PERMISSIONS: Readonly<Record<string, { actions: string[]; notActions: string[] }>> = {
  Owner: { actions: ['*'], notActions: [] },
  Contributor: { actions: ['*'], notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'] },
  Reader: { actions: ['*/read'], notActions: [] },
  'User Access Administrator': { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [] },
  'Resource Policy Contributor': {
    actions: [
      '*/read',
      'Microsoft.Authorization/policyassignments/*',
      'Microsoft.Authorization/policydefinitions/*',
      'Microsoft.Authorization/policyexemptions/*',
      'Microsoft.Authorization/policysetdefinitions/*',
      'Microsoft.PolicyInsights/*',
      'Microsoft.Support/*',
    ],
    notActions: [],
  },
  'Role Based Access Control Administrator': {
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
    notActions: [],
  },
};

export function builtinRoleDefinition(guid: string, scopeId: string): ArmResource | undefined {
  const roleName = BUILTIN_ROLES[guid.toLowerCase()];
  if (roleName === undefined) return undefined;
  return {
    id: `${scopeId}/providers/Microsoft.Authorization/roleDefinitions/${guid.toLowerCase()}`,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: guid.toLowerCase(),
    properties: {
      roleName,
      type: 'BuiltInRole',
      description: `${roleName} (built-in role served by the ARM emulator)`,
      assignableScopes: ['/'],
      permissions: [{ ...(PERMISSIONS[roleName] ?? { actions: ['*'], notActions: [] }), dataActions: [], notDataActions: [] }],
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2024-01-01T00:00:00.0000000Z',
      createdBy: null,
      updatedBy: null,
    },
  };
}
