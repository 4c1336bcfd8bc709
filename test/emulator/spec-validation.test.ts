/**
 * PUT/PATCH bodies are checked against the REST spec schemas (../shared/azure/rest-specs): required members
 * and types as the swagger declares them, enums case-insensitively. Expectations are read from the spec
 * (e.g. RoleAssignmentProperties.required = [roleDefinitionId, principalId]; PolicyDefinitionReference.required
 * = [policyDefinitionId]; PricingProperties.required = [pricingTier]).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUBSCRIPTIONS, startArmEmulator, type ArmEmulator } from './index.js';

const MGP = '/providers/Microsoft.Management/managementGroups/root/providers';
const RULE = { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } };

describe('request bodies validated against the REST specs', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator({ acceptUnknownPrincipals: true });
  });
  afterAll(async () => emu.close());

  const err = (r: { status: number; body?: unknown }): { code: string; message: string } => {
    expect(r.status).toBe(400);
    return (r.body as { error: { code: string; message: string } }).error;
  };

  it('rejects wrong member types in a policy definition', async () => {
    const r = await emu.call('PUT', `${MGP}/Microsoft.Authorization/policyDefinitions/d1?api-version=2024-05-01`, { properties: { displayName: 5, policyRule: RULE } });
    const e = err(r);
    expect(e.code).toBe('InvalidRequestContent');
    expect(e.message).toContain('properties.displayName');
  });

  it('accepts any JSON where swagger says a bare object (allowedValues, defaultValue, metadata)', async () => {
    const r = await emu.call('PUT', `${MGP}/Microsoft.Authorization/policyDefinitions/d2?api-version=2024-05-01`, {
      properties: {
        policyRule: { if: { field: 'location', in: "[parameters('locations')]" }, then: { effect: 'deny' } },
        parameters: { locations: { type: 'array', allowedValues: ['westeurope', 'northeurope'], defaultValue: ['westeurope'] } },
        metadata: { version: '1.0.0' },
      },
    });
    expect(r.status).toBe(201);
  });

  it('requires policyDefinitionId in each set member (PolicyDefinitionReference.required)', async () => {
    const r = await emu.call('PUT', `${MGP}/Microsoft.Authorization/policySetDefinitions/s1?api-version=2024-05-01`, { properties: { policyDefinitions: [{ policyDefinitionReferenceId: 'x' }] } });
    expect(err(r).message).toContain("missing required member 'policyDefinitionId'");
  });

  it('requires roleDefinitionId and principalId in a role assignment', async () => {
    const r = await emu.call('PUT', `${MGP}/Microsoft.Authorization/roleAssignments/0f8fad5b-d9cb-469f-a165-70867728950e?api-version=2022-04-01`, {
      properties: { roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635' },
    });
    expect(err(r).message).toContain("'principalId'");
  });

  it('requires pricingTier and takes enum values in any case', async () => {
    const base = `/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}/providers/Microsoft.Security/pricings/KeyVaults?api-version=2024-01-01`;
    expect(err(await emu.call('PUT', base, { properties: {} })).message).toContain("'pricingTier'");
    expect((await emu.call('PUT', base, { properties: { pricingTier: 'standard' } })).status).toBe(201);
    // pricingTier is an extensible enum in the spec (modelAsString); the handler still refuses unknown tiers
    expect((await emu.call('PUT', base, { properties: { pricingTier: 'Gold' } })).status).toBe(400);
  });

  it('treats explicit nulls as absent, as ARM does', async () => {
    const r = await emu.call('PUT', `${MGP}/Microsoft.Authorization/policyDefinitions/d3?api-version=2024-05-01`, { properties: { displayName: null, description: null, policyRule: RULE } });
    expect(r.status).toBe(201);
  });

  it('can be switched off', async () => {
    const lax = await startArmEmulator({ validateBodies: false });
    try {
      const r = await lax.call('PUT', `${MGP}/Microsoft.Authorization/policyDefinitions/d1?api-version=2024-05-01`, { properties: { displayName: 5, policyRule: RULE } });
      expect(r.status).toBe(201);
    } finally {
      await lax.close();
    }
  });
});
