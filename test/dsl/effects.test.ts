/**
 * Every effect renders the `then` block its Learn page documents, and the result passes the official
 * 2020-10-01 schema (except denyAction, which that schema predates: see the last test).
 */
import { describe, expect, it } from 'vitest';
import {
  allOf,
  audit,
  auditIfNotExists,
  defineControl,
  deny,
  denyAction,
  deployIfNotExists,
  disabled,
  manual,
  param,
  roles,
  fn,
} from '../../src/dsl/index.js';
import { compileControl } from '../../src/compiler/index.js';
import { policyRuleSchemaErrors } from '../compiler/schema-helper.js';
import { compileWith, errorsOf } from './helpers.js';

function thenOf(r: ReturnType<typeof compileWith>): unknown {
  return r.document.properties.policyRule.then;
}

describe('effects without details', () => {
  it.each([
    ['audit', audit(), { effect: 'audit' }],
    ['deny', deny(), { effect: 'deny' }],
    ['disabled', disabled(), { effect: 'disabled' }],
    ['manual', manual({ defaultState: 'Unknown' }), { effect: 'manual', details: { defaultState: 'Unknown' } }],
  ])('%s', (_n, effect, expected) => {
    const r = compileWith(({ field }) => ({ if: field('name').equals('x'), then: effect }));
    expect(thenOf(r)).toEqual(expected);
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toEqual([]);
  });

  it('an effect parameter renders as [parameters(...)]', () => {
    const r = compileWith(({ field, p }) => ({ if: field('name').equals('x'), then: deny(p.effect) }));
    expect(thenOf(r)).toEqual({ effect: "[parameters('effect')]" });
    expect(errorsOf(r)).toEqual([]);
  });
});

describe('append and modify', () => {
  it('append details are {field, value} pairs', () => {
    const r = compileWith(({ field, append }) => ({
      if: field('Microsoft.Storage/storageAccounts/networkAcls.defaultAction').notEquals('Deny'),
      then: append([{ field: 'Microsoft.Storage/storageAccounts/networkAcls.defaultAction', value: 'Deny' }]),
    }));
    expect(thenOf(r)).toEqual({
      effect: 'append',
      details: [{ field: 'Microsoft.Storage/storageAccounts/networkAcls.defaultAction', value: 'Deny' }],
    });
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toEqual([]);
  });

  it('modify carries roleDefinitionIds, conflictEffect and operations', () => {
    const r = compileWith(({ field, modify }) => ({
      if: field('Microsoft.Storage/storageAccounts/allowBlobPublicAccess').notEquals(false),
      then: modify({
        roleDefinitionIds: [roles.storageAccountContributor],
        conflictEffect: 'audit',
        operations: [
          { operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/allowBlobPublicAccess', value: false },
          { operation: 'add', field: "tags['zt-remediated']", value: 'true', condition: fn.greaterOrEquals(fn.requestContext().prop('apiVersion'), '2019-04-01') },
          { operation: 'remove', field: "tags['legacy']" },
        ],
      }),
    }));
    expect(thenOf(r)).toEqual({
      effect: 'modify',
      details: {
        roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/17d1049b-9a84-46fb-8f53-869881c3d3ab'],
        conflictEffect: 'audit',
        operations: [
          { operation: 'addOrReplace', field: 'Microsoft.Storage/storageAccounts/allowBlobPublicAccess', value: false },
          { operation: 'add', field: "tags['zt-remediated']", value: 'true', condition: "[greaterOrEquals(requestContext().apiVersion, '2019-04-01')]" },
          { operation: 'remove', field: "tags['legacy']" },
        ],
      },
    });
    expect(errorsOf(r)).toEqual([]);
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toEqual([]);
  });

  it('a modify operation condition may not read field() (ZT6006) and add needs a value (ZT6007)', () => {
    const r = compileWith(({ field, modify }) => ({
      if: field('name').equals('x'),
      then: modify({
        roleDefinitionIds: [roles.storageAccountContributor],
        operations: [{ operation: 'add', field: "tags['a']", condition: fn.equals(field('name'), 'x') }],
      }),
    }));
    const errors = errorsOf(r).join('\n');
    expect(errors).toMatch(/ZT6006/);
    expect(errors).toMatch(/ZT6007.*add needs a value/);
  });
});

describe('auditIfNotExists and deployIfNotExists', () => {
  it('auditIfNotExists: type, name, scope, delay and an existence condition on the related type', () => {
    const r = compileWith(({ field }) => ({
      if: field('type').equals('Microsoft.Storage/storageAccounts'),
      then: auditIfNotExists({
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'setByPolicy',
        existenceScope: 'resourceGroup',
        evaluationDelay: 'AfterProvisioning',
        existenceCondition: (related) => related('Microsoft.Insights/diagnosticSettings/workspaceId').exists(true),
      }),
    }));
    expect(thenOf(r)).toEqual({
      effect: 'auditIfNotExists',
      details: {
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'setByPolicy',
        existenceScope: 'resourceGroup',
        evaluationDelay: 'AfterProvisioning',
        existenceCondition: { field: 'Microsoft.Insights/diagnosticSettings/workspaceId', exists: 'true' },
      },
    });
    expect(errorsOf(r)).toEqual([]);
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toEqual([]);
  });

  it('deployIfNotExists: roleDefinitionIds and an incremental deployment whose parameters are policy expressions', () => {
    const r = compileWith(({ field }) => ({
      if: field('type').equals('Microsoft.Storage/storageAccounts'),
      then: deployIfNotExists({
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'setByPolicy',
        roleDefinitionIds: [roles.monitoringContributor, roles.logAnalyticsContributor],
        existenceCondition: (related) => related('Microsoft.Insights/diagnosticSettings/workspaceId').exists(true),
        deployment: {
          properties: {
            mode: 'incremental',
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: { name: { type: 'string' } },
              // ARM's own expressions in the template are emitted as written (not policy functions).
              resources: [{ type: 'Microsoft.Storage/storageAccounts/providers/diagnosticSettings', name: "[concat(parameters('name'), '/Microsoft.Insights/setByPolicy')]", apiVersion: '2021-05-01-preview', properties: { workspaceId: "[resourceId('x', 'y')]" } }],
            },
            parameters: { name: { value: field('name') } },
          },
        },
      }),
    }));
    const then = thenOf(r) as { details: { deployment: { properties: { mode: string; parameters: unknown } }; roleDefinitionIds: string[] } };
    expect(then.details.roleDefinitionIds).toEqual([
      '/providers/Microsoft.Authorization/roleDefinitions/749f88d5-cbae-40b8-bcfc-e573ddc772fa',
      '/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293',
    ]);
    expect(then.details.deployment.properties.mode).toBe('Incremental');
    expect(then.details.deployment.properties.parameters).toEqual({ name: { value: "[field('name')]" } });
    // resourceId() is fine inside the template (ARM evaluates it), so no ZT6002 here.
    expect(errorsOf(r)).toEqual([]);
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toEqual([]);
  });

  it('a deployIfNotExists effect parameter may offer AuditIfNotExists but not Deny (ZT4003 at run time too)', () => {
    const control = defineControl({
      name: 'zt-stg-98-x',
      controlId: 'ZT-STG-98',
      displayName: 'x',
      description: 'x',
      principle: 'assume-breach',
      unit: 'storage',
      version: '1.0.0',
      category: 'Storage',
      mode: 'All',
      resourceType: 'Microsoft.Storage/storageAccounts',
      parameters: { effect: param.effect(['DeployIfNotExists', 'Deny'], 'DeployIfNotExists') },
      rule: ({ field, p }) => ({
        if: field('type').equals('Microsoft.Storage/storageAccounts'),
        then: deployIfNotExists(
          {
            type: 'Microsoft.Insights/diagnosticSettings',
            roleDefinitionIds: [roles.contributor],
            deployment: { properties: { mode: 'incremental', template: {} } },
          },
          // Untyped JavaScript (or a cast) can still pass it; the compiler catches it.
          p.effect as never,
        ),
      }),
      remediation: 'x',
    });
    const errors = compileControl(control).diagnostics.filter((d) => d.code === 'ZT4003');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/'Deny'/);
    expect(errors[0]!.jsonPath).toBe('$.properties.parameters.effect.allowedValues[1]');
  });
});

describe('denyAction', () => {
  it('renders actionNames and cascadeBehaviors ([E-DACT])', () => {
    const r = compileWith(({ field }) => ({
      if: allOf(field('type').equals('Microsoft.Storage/storageAccounts'), field("tags['protected']").equals('true')),
      then: denyAction({ actionNames: ['delete'], cascadeBehaviors: { resourceGroup: 'deny' } }),
    }));
    expect(thenOf(r)).toEqual({ effect: 'denyAction', details: { actionNames: ['delete'], cascadeBehaviors: { resourceGroup: 'deny' } } });
    // The 2020-10-01 schema predates denyAction (its effect enum has no denyAction): validation must know this.
    // The refusal is about the effect name (not any error): its enum lacks denyAction.
    expect(policyRuleSchemaErrors(r.document.properties.policyRule)).toContain('/then/effect must be equal to one of the allowed values');
    expect(policyRuleSchemaErrors({ ...r.document.properties.policyRule, then: { effect: 'deny' } })).toEqual([]);
  });
});
