/**
 * Documented Azure Policy / RBAC limits (publisher-mechanics §3.1, azure-policy-limits.md; RBAC
 * troubleshooting): 500 definitions per scope, 500 role assignments per management group, 400 notScopes,
 * 1,048,576-byte request bodies. Seeded in-process with `call()` to stay fast.
 */
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmEmulator, type ArmEmulator } from './index.js';

const MGP = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization';
const RULE = { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } };
const guid = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

describe('limits', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator({ acceptUnknownPrincipals: true, validateBodies: false });
  });
  afterAll(async () => emu.close());

  it('500 policy definitions per scope', async () => {
    for (let i = 0; i < 500; i++) {
      const r = await emu.call('PUT', `${MGP}/policyDefinitions/d${i}?api-version=2024-05-01`, { properties: { policyRule: RULE } });
      expect(r.status).toBe(201);
    }
    const over = await emu.call('PUT', `${MGP}/policyDefinitions/d500?api-version=2024-05-01`, { properties: { policyRule: RULE } });
    expect(over.status).toBe(400);
    // updating an existing one is not a new definition
    expect((await emu.call('PUT', `${MGP}/policyDefinitions/d0?api-version=2024-05-01`, { properties: { policyRule: RULE } })).status).toBe(201);
    // another scope has its own budget
    expect((await emu.call('PUT', `/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/policyDefinitions/d500?api-version=2024-05-01`, { properties: { policyRule: RULE } })).status).toBe(201);
  });

  it('500 role assignments per management group (RoleAssignmentLimitExceeded)', async () => {
    const role = '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7';
    for (let i = 0; i < 500; i++) {
      const r = await emu.call('PUT', `${MGP}/roleAssignments/${guid(i)}?api-version=2022-04-01`, { properties: { roleDefinitionId: role, principalId: guid(10_000 + i) } });
      expect(r.status).toBe(201);
    }
    const over = await emu.call('PUT', `${MGP}/roleAssignments/${guid(500)}?api-version=2022-04-01`, { properties: { roleDefinitionId: role, principalId: guid(20_000) } });
    expect(over.status).toBe(400);
    expect((over.body as { error: { code: string } }).error.code).toBe('RoleAssignmentLimitExceeded');
  });

  it('400 notScopes per assignment', async () => {
    const notScopes = Array.from({ length: 401 }, (_, i) => `/subscriptions/${guid(i)}`);
    const r = await emu.call('PUT', `${MGP}/policyAssignments/many-not?api-version=2024-05-01`, { properties: { policyDefinitionId: `${MGP}/policyDefinitions/d1`, notScopes } });
    expect(r.status).toBe(400);
    const ok = await emu.call('PUT', `${MGP}/policyAssignments/many-not?api-version=2024-05-01`, { properties: { policyDefinitionId: `${MGP}/policyDefinitions/d1`, notScopes: notScopes.slice(0, 400) } });
    expect(ok.status).toBe(201);
  });

  it('request bodies over 1,048,576 bytes are refused before handling', async () => {
    const body = JSON.stringify({ properties: { policyRule: RULE, description: 'x'.repeat(1_048_576) } });
    const res = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = httpsRequest(`${emu.url}${MGP}/policyDefinitions/big?api-version=2024-05-01`, { method: 'PUT', ca: emu.ca, headers: { authorization: 'Bearer t', 'content-type': 'application/json' } }, (r) => {
        let text = '';
        r.on('data', (d: Buffer) => (text += d.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, code: JSON.parse(text).error.code }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(res).toEqual({ status: 400, code: 'RequestBodyTooLarge' });
    expect(emu.state.policyDefinitions.has(`${MGP}/policyDefinitions/big`.toLowerCase())).toBe(false);
  });
});
