/**
 * Type-level tests of the DSL. vitest does not type-check; test/typecheck.test.ts runs tsc over the project, so
 * each `// @ts-expect-error` below must stay a real type error (tsc fails on an unused directive) and every
 * other line must compile. Nothing here runs: the declarations sit in functions that are never called.
 */
import { builtin } from '../../src/catalog/builtins.js';
import {
  allOf,
  audit,
  auditIfNotExists,
  count,
  defineControl,
  defineInitiative,
  deny,
  deployIfNotExists,
  fieldsOf,
  member,
  param,
  rawField,
  roles,
} from '../../src/dsl/index.js';
import minimumTls from '../../definitions/storage/zt-stg-02-minimum-tls.js';

const base = {
  controlId: 'ZT-STG-99',
  displayName: 'x',
  description: 'x',
  principle: 'assume-breach',
  unit: 'storage',
  version: '1.0.0',
  category: 'Storage',
  mode: 'Indexed',
  remediation: 'x',
} as const;

export function parametersMustBeDeclared(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-a',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny') },
    rule: ({ field, p, parameters }) => ({
      // @ts-expect-error an undeclared parameter is not on `p`
      if: field('name').equals(p.notDeclared),
      // @ts-expect-error nor accepted by parameters()
      then: deny(parameters('effectt')),
    }),
  });
}

export function aliasesAreTypedByResourceType(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-b',
    resourceType: 'Microsoft.Storage/storageAccounts',
    rule: ({ field }) => ({
      if: allOf(
        field('Microsoft.Storage/storageAccounts/minimumTlsVersion').equals('TLS1_2'),
        // @ts-expect-error an alias of another resource type
        field('Microsoft.Compute/virtualMachines/licenseType').equals('Windows_Server'),
        // @ts-expect-error a typo in an alias
        field('Microsoft.Storage/storageAccounts/minimumTlsVerson').equals('TLS1_2'),
        // special fields and tags are always allowed
        field("tags['env']").equals('prod'),
        // the escape hatches compile (and are checked at compile time instead)
        fieldsOf('Microsoft.Compute/virtualMachines')('Microsoft.Compute/virtualMachines/licenseType').exists(false),
        rawField('Microsoft.Storage/storageAccounts/somethingNew').exists(false),
      ),
      then: audit(),
    }),
  });
  // @ts-expect-error fieldsOf checks the alias against the type it names
  fieldsOf('Microsoft.Compute/virtualMachines')('Microsoft.Storage/storageAccounts/minimumTlsVersion');
}

export function countNeedsAnArrayAlias(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-c',
    resourceType: 'Microsoft.Storage/storageAccounts',
    rule: ({ field }) => ({
      if: allOf(
        count(field('Microsoft.Storage/storageAccounts/networkAcls.ipRules[*]')).greater(0),
        // @ts-expect-error count() needs a [*] alias
        count(field('Microsoft.Storage/storageAccounts/minimumTlsVersion')).greater(0),
      ),
      then: audit(),
    }),
  });
}

export function arrayParametersCannotFeedEquals(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-d',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { names: param.array({ defaultValue: ['a'] }) },
    rule: ({ field, p }) => ({
      // @ts-expect-error Azure rejects an Array parameter as the target of equals (expected type 'String')
      if: field('name').equals(p.names),
      then: audit(),
    }),
  });
}

export function effectParametersMustFitTheRule(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-e',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: {
      ok: param.effect(['Deny', 'Audit', 'Disabled'], 'Deny'),
      dine: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists'),
      free: param.string({ defaultValue: 'Deny' }),
    },
    rule: ({ field, p }) => ({
      if: field('name').equals('x'),
      // a deny rule with Deny/Audit/Disabled is fine
      then: deny(p.ok),
    }),
  });
  defineControl({
    ...base,
    name: 'zt-stg-99-f',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { dine: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists'), free: param.string() },
    rule: ({ field, p }) => ({
      if: field('name').equals('x'),
      // @ts-expect-error DeployIfNotExists needs details: not allowed for a deny rule
      then: deny(p.dine),
    }),
  });
  defineControl({
    ...base,
    name: 'zt-stg-99-g',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { free: param.string() },
    rule: ({ field, p }) => ({
      if: field('name').equals('x'),
      // @ts-expect-error an effect parameter needs allowedValues
      then: deny(p.free),
    }),
  });
  // @ts-expect-error the default effect must be one of the allowed ones
  param.effect(['Audit', 'Disabled'], 'Deny');
  // @ts-expect-error not an Azure Policy effect
  param.effect(['Audit', 'Block'], 'Audit');
}

export function ifNotExistsDetailsAreTyped(): void {
  defineControl({
    ...base,
    name: 'zt-stg-99-h',
    resourceType: 'Microsoft.Storage/storageAccounts',
    parameters: { effect: param.effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists') },
    rule: ({ field, p }) => ({
      if: field('type').equals('Microsoft.Storage/storageAccounts'),
      then: auditIfNotExists(
        {
          type: 'Microsoft.Insights/diagnosticSettings',
          existenceCondition: (related) =>
            allOf(
              related('Microsoft.Insights/diagnosticSettings/workspaceId').exists(true),
              // @ts-expect-error the existence condition reads the related type's aliases
              related('Microsoft.Storage/storageAccounts/minimumTlsVersion').exists(true),
            ),
          // @ts-expect-error existenceScope is resourceGroup | subscription
          existenceScope: 'managementGroup',
        },
        p.effect,
      ),
    }),
  });
  defineControl({
    ...base,
    name: 'zt-stg-99-i',
    resourceType: 'Microsoft.Storage/storageAccounts',
    rule: ({ field }) => ({
      if: field('type').equals('Microsoft.Storage/storageAccounts'),
      // @ts-expect-error deployIfNotExists needs roleDefinitionIds and a deployment
      then: deployIfNotExists({ type: 'Microsoft.Insights/diagnosticSettings' }),
    }),
  });
  defineControl({
    ...base,
    name: 'zt-stg-99-j',
    resourceType: 'Microsoft.Storage/storageAccounts',
    rule: ({ field, modify }) => ({
      if: field('type').equals('Microsoft.Storage/storageAccounts'),
      then: modify({
        roleDefinitionIds: [roles.storageAccountContributor],
        // @ts-expect-error modify operations: add | addOrReplace | remove
        operations: [{ operation: 'set', field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', value: 'TLS1_2' }],
      }),
    }),
  });
}

export function initiativeMembersAreTyped(): void {
  defineInitiative({
    name: 'zt-x',
    displayName: 'x',
    description: 'x',
    version: '1.0.0',
    category: 'x',
    parameters: {
      effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
      wide: param.effect(['Audit', 'Deny', 'Disabled', 'Modify'], 'Audit'),
      dine: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists'),
    },
    members: ({ p }) => [
      member(minimumTls, { parameters: { effect: p.effect, minimumTlsVersion: 'TLS1_2' } }),
      // @ts-expect-error the control has no parameter 'tls'
      member(minimumTls, { parameters: { tls: 'TLS1_2' } }),
      // @ts-expect-error not one of the control's allowedValues
      member(minimumTls, { parameters: { minimumTlsVersion: 'TLS1_0' } }),
      // @ts-expect-error the initiative parameter allows Modify, the control does not
      member(minimumTls, { parameters: { effect: p.wide } }),
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { controlId: 'ZT-STG-06', principle: 'verify-explicitly', parameters: { effect: p.effect } }),
      // @ts-expect-error wrong built-in parameter value
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { controlId: 'ZT-STG-06', principle: 'verify-explicitly', parameters: { effect: 'Block' } }),
      // @ts-expect-error wrong built-in parameter name
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { controlId: 'ZT-STG-06', principle: 'verify-explicitly', parameters: { effekt: 'Audit' } }),
      // @ts-expect-error a built-in member needs a principle (controls carry their own)
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { controlId: 'ZT-STG-06', parameters: { effect: 'Audit' } }),
      // @ts-expect-error a built-in member names the catalog control it implements (controls carry their own)
      member(builtin.storageAccountsShouldPreventSharedKeyAccess, { principle: 'verify-explicitly', parameters: { effect: 'Audit' } }),
      // @ts-expect-error logAnalytics has no default: it must be passed
      member(builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, { controlId: 'ZT-MON-01', principle: 'assume-breach', parameters: { effect: p.dine } }),
      member(builtin.configureAzureActivityLogsToStreamToSpecifiedLogAnalyticsWorkspace, {
        controlId: 'ZT-MON-01',
        principle: 'assume-breach',
        parameters: { effect: p.dine, logAnalytics: '/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/z' },
      }),
      // @ts-expect-error a name string is not a member: initiatives reference control objects
      member('zt-stg-02-minimum-tls'),
    ],
  });
}
