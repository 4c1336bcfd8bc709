/**
 * Transport, auth, recording, faults and the hierarchy of the ARM emulator, driven through the real SDK
 * clients. Expected statuses and codes come from publisher-mechanics.md (§1 SDK specs, §2 retry
 * behaviour, §3.4 ARM codes) and the REST specs, not from the emulator's code.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PolicyClient } from '@azure/arm-policy';
import { isRestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorClients, type EmulatorClients } from './clients.js';
import { DEFAULT_SUBSCRIPTIONS, DEFAULT_TENANT_ID, startArmEmulator, staticTokenCredential, type ArmEmulator } from './index.js';
import { rejection } from './test-helpers.js';

const RULE = { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } };

function raw(emu: ArmEmulator, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${emu.url}${path}`, { method, headers, ca: emu.ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ARM emulator: transport, auth and recording', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator({ token: 'sekret' });
    c = emulatorClients(emu, { token: 'sekret', fastRetries: true });
  });
  afterAll(async () => emu.close());
  beforeEach(() => {
    emu.resetRequests();
    emu.faults.clear();
  });

  it('serves https on 127.0.0.1 with a certificate the client must trust explicitly', async () => {
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.ca).toContain('BEGIN CERTIFICATE');
    const untrusted = new PolicyClient(staticTokenCredential('sekret'), { endpoint: emu.url, retryOptions: { maxRetries: 0 } });
    const err = await rejection(untrusted.policyDefinitions.getAtManagementGroup('root', 'x'));
    expect(String(err.code)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('refuses plain http on its port', async () => {
    const port = new URL(emu.url).port;
    const result = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/subscriptions?api-version=2022-12-01', method: 'GET' }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      req.end();
    });
    expect(result).toMatch(/^error /);
  });

  it('answers 401 without a bearer token and with the wrong one', async () => {
    const none = await raw(emu, 'GET', '/subscriptions?api-version=2022-12-01');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AuthenticationFailed');
    const wrong = await raw(emu, 'GET', '/subscriptions?api-version=2022-12-01', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('InvalidAuthenticationToken');
    const good = await raw(emu, 'GET', '/subscriptions?api-version=2022-12-01', { authorization: 'Bearer sekret' });
    expect(good.status).toBe(200);
  });

  it('requires and checks api-version', async () => {
    const missing = await raw(emu, 'GET', '/subscriptions', { authorization: 'Bearer sekret' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('MissingApiVersionParameter');
    const unknown = await raw(emu, 'GET', '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions?api-version=1999-01-01', {
      authorization: 'Bearer sekret',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('NoRegisteredProviderFound');
  });

  it('sends ARM headers and the error envelope', async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${emu.url}/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/missing?api-version=2024-05-01`,
        { headers: { authorization: 'Bearer sekret' }, ca: emu.ca },
        (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(404);
    expect(res.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'PolicyDefinitionNotFound', message: expect.stringContaining("'missing'") } });
  });

  it('records each request with method, decoded query, api-version, status and body, never the token', async () => {
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'rec-1', { mode: 'All', policyRule: RULE });
    const pages = [];
    for await (const d of c.policy.policyDefinitions.listByManagementGroup('root', { filter: 'atExactScope()' })) pages.push(d);
    await c.authorization.roleDefinitions.get('providers/Microsoft.Management/managementGroups/root', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    await c.security(DEFAULT_SUBSCRIPTIONS.corp).pricings.list();

    const [put, list, role, pricing] = emu.requests;
    expect(put).toMatchObject({ method: 'PUT', apiVersion: '2024-05-01', status: 201, authorization: true });
    expect(put!.body).toEqual({ properties: { mode: 'All', policyRule: RULE } });
    expect(put!.userAgent).toContain('azsdk-js-arm-policy');
    expect(list).toMatchObject({ method: 'GET', status: 200, query: { $filter: 'atExactScope()', 'api-version': '2024-05-01' } });
    expect(role!.apiVersion).toBe('2022-04-01');
    expect(pricing!.apiVersion).toBe('2022-03-01');
    expect(JSON.stringify(emu.requests)).not.toContain('sekret');
    expect(emu.writes().map((r) => r.method)).toEqual(['PUT']);
  });

  it('counts duplicate slashes when a scope is passed with its leading slash', async () => {
    await rejection(c.policy.policyAssignments.get('/providers/Microsoft.Management/managementGroups/root', 'nothing'));
    await rejection(c.policy.policyAssignments.get('providers/Microsoft.Management/managementGroups/root', 'nothing'));
    expect(emu.requests.map((r) => r.doubleSlashes)).toEqual([1, 0]);
    // both are routed (ARM's tolerance of '//' is unverified; the emulator normalises and records it)
    expect(emu.requests.map((r) => r.errorCode)).toEqual(['PolicyAssignmentNotFound', 'PolicyAssignmentNotFound']);
  });
});

describe('ARM emulator: fault injection through the SDK retry policy', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator();
    c = emulatorClients(emu, { fastRetries: true });
  });
  afterAll(async () => emu.close());
  beforeEach(() => {
    emu.resetRequests();
    emu.faults.clear();
  });

  it('429 with Retry-After is retried by the SDK; attempts share x-ms-client-request-id', async () => {
    emu.faults.add({ match: { method: 'PUT', pathIncludes: '/policyDefinitions/throttled' }, kind: '429', retryAfterSeconds: 0, times: 2 });
    const d = await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'throttled', { policyRule: RULE });
    expect(d.name).toBe('throttled');
    expect(emu.requests.map((r) => r.status)).toEqual([429, 429, 201]);
    expect(emu.requests[0]!.errorCode).toBe('TenantRequestsThrottled');
    expect(new Set(emu.requests.map((r) => r.clientRequestId)).size).toBe(1);
    expect(emu.faults.fired()).toBe(2);
  });

  it('429 without a retry header is not retried (publisher-mechanics §2.3)', async () => {
    emu.faults.add({ match: { method: 'GET' }, kind: '429', retryAfterSeconds: null, times: 1 });
    const err = await rejection(c.policy.policyDefinitions.getAtManagementGroup('root', 'x'));
    expect(isRestError(err)).toBe(true);
    expect(err.statusCode).toBe(429);
    expect(emu.requests).toHaveLength(1);
  });

  it('429 on a subscription path uses the subscription throttling code', async () => {
    emu.faults.add({ match: { pathIncludes: '/pricings' }, kind: '429', retryAfterMs: 1, times: 1 });
    await c.security(DEFAULT_SUBSCRIPTIONS.corp).pricings.list();
    expect(emu.requests[0]).toMatchObject({ status: 429, errorCode: 'SubscriptionRequestsThrottled', injected: '429' });
    expect(emu.requests[1]!.status).toBe(200);
  });

  it('500 and 503 are retried; a persistent 500 surfaces with its code after maxRetries', async () => {
    emu.faults.add({ match: { method: 'GET' }, kind: '500', times: 1 });
    emu.faults.add({ match: { method: 'GET' }, kind: '503', times: 1 });
    const sub = await c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.corp);
    expect(sub.displayName).toBe('corp-prod');
    expect(emu.requests.map((r) => r.status)).toEqual([500, 503, 200]);

    emu.resetRequests();
    emu.faults.clear();
    emu.faults.add({ match: { method: 'GET' }, kind: '500' });
    const err = await rejection(c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.corp));
    expect(err.statusCode).toBe(500);
    expect(err.code).toBe('InternalServerError');
    expect(emu.requests).toHaveLength(4); // maxRetries 3 => 4 attempts
  });

  it('a connection reset before handling leaves no state and is retried', async () => {
    emu.faults.add({ match: { method: 'PUT' }, kind: 'reset', times: 1 });
    await c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'reset-before', { policyRule: RULE });
    expect(emu.requests.map((r) => r.status)).toEqual([0, 201]);
    expect(emu.requests[0]!.injected).toBe('reset');
  });

  it('a reset after handling applies the write but loses the response (crash-resume shape)', async () => {
    emu.faults.add({ match: { method: 'PUT' }, kind: 'reset', afterHandling: true });
    const client = emulatorClients(emu, { maxRetries: 0 });
    const err = await rejection(client.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'reset-after', { policyRule: RULE }));
    expect(err.code).toBe('ECONNRESET');
    expect(emu.requests[0]).toMatchObject({ status: 0, handledStatus: 201 });
    emu.faults.clear();
    const d = await c.policy.policyDefinitions.getAtManagementGroup('root', 'reset-after');
    expect(d.name).toBe('reset-after');
  });

  it('skip lets the first matching requests through; status faults carry their code', async () => {
    emu.faults.add({ match: { method: 'GET', pathIncludes: '/subscriptions/' }, kind: 'status', status: 403, code: 'AuthorizationFailed', skip: 1, times: 1 });
    await c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.corp);
    const err = await rejection(c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.corp));
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe('AuthorizationFailed');
    await c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.corp);
    expect(emu.requests.map((r) => r.status)).toEqual([200, 403, 200]);
  });

  it('latency faults delay without changing the answer', async () => {
    emu.faults.add({ match: { method: 'GET' }, kind: 'latency', extraMs: 5, times: 1 });
    const sub = await c.subscriptions.subscriptions.get(DEFAULT_SUBSCRIPTIONS.online);
    expect(sub.displayName).toBe('online-prod');
    expect(emu.requests[0]).toMatchObject({ status: 200, injected: 'latency' });
  });
});

describe('ARM emulator: seeding and snapshots', () => {
  it('call() seeds through the same validation; snapshot()/restore() rewinds the state', async () => {
    const emu = await startArmEmulator();
    try {
      const path = '/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/seeded?api-version=2024-05-01';
      expect((await emu.call('PUT', path, { properties: { policyRule: RULE } })).status).toBe(201);
      expect((await emu.call('PUT', path.replace('seeded', 'x'.repeat(65)), { properties: { policyRule: RULE } })).status).toBe(400);
      expect(emu.requests).toHaveLength(0); // not recorded
      const snap = emu.state.snapshot();
      expect((await emu.call('DELETE', path)).status).toBe(200);
      expect(emu.state.policyDefinitions.size).toBe(0);
      emu.state.restore(snap);
      const c = emulatorClients(emu);
      expect((await c.policy.policyDefinitions.getAtManagementGroup('root', 'seeded')).policyRule).toEqual(RULE);
      await expect(emu.call('GET', '/subscriptions')).rejects.toThrow(/api-version/);
    } finally {
      await emu.close();
    }
  });
});

describe('ARM emulator: token-bucket throttling', () => {
  it('throttles per bucket with 429 + Retry-After, which the SDK honours; tenant and subscription buckets are separate', async () => {
    const emu = await startArmEmulator({ throttling: { writes: { capacity: 2, refillPerSecond: 5 }, preciseRetryAfter: true } });
    try {
      const c = emulatorClients(emu, { fastRetries: true, maxRetries: 10 });
      const names = ['t1', 't2', 't3', 't4', 't5'];
      await Promise.all(names.map((n) => c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', n, { policyRule: RULE })));
      const puts = emu.requests.filter((r) => r.method === 'PUT');
      const throttled = puts.filter((r) => r.status === 429);
      // 5 simultaneous writes against a bucket of 2: at least 3 first attempts must be refused.
      expect(throttled.length).toBeGreaterThanOrEqual(3);
      expect(throttled.every((r) => r.errorCode === 'TenantRequestsThrottled' && r.injected === 'throttled')).toBe(true);
      expect(puts.filter((r) => r.status === 201)).toHaveLength(5);
      // the subscription write bucket is untouched by tenant writes
      const sec = c.security(DEFAULT_SUBSCRIPTIONS.corp);
      await sec.pricings.update('Arm', { pricingTier: 'Standard' });
      expect(emu.requests.at(-1)!.status).toBe(200);
      // reads have their own bucket and report what is left
      const res = await raw(emu, 'GET', '/subscriptions?api-version=2022-12-01', { authorization: 'Bearer t' });
      expect(res.status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it('reports x-ms-ratelimit-remaining headers', async () => {
    const emu = await startArmEmulator({ throttling: true });
    try {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = httpsRequest(`${emu.url}/subscriptions/${DEFAULT_SUBSCRIPTIONS.corp}?api-version=2022-12-01`, { headers: { authorization: 'Bearer t' }, ca: emu.ca }, (r) => {
          r.resume();
          r.on('end', () => resolve(r.headers));
        });
        req.on('error', reject);
        req.end();
      });
      expect(headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');
    } finally {
      await emu.close();
    }
  });
});

describe('ARM emulator: broken responses', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator();
  });
  afterAll(async () => emu.close());

  it('hangUp applies the write and cuts the body; malformedJson gives the SDK a parse error', async () => {
    const c = emulatorClients(emu, { maxRetries: 0 });
    emu.faults.add({ match: { method: 'PUT' }, kind: 'hangUp', times: 1 });
    const cut = await rejection(c.policy.policyDefinitions.createOrUpdateAtManagementGroup('root', 'hung', { policyRule: RULE }));
    expect(cut).toBeInstanceOf(Error);
    expect(emu.requests.at(-1)).toMatchObject({ status: 0, handledStatus: 201, injected: 'hangUp' });
    expect((await c.policy.policyDefinitions.getAtManagementGroup('root', 'hung')).name).toBe('hung');

    emu.faults.add({ match: { method: 'GET' }, kind: 'malformedJson', times: 1 });
    const parse = await rejection(c.policy.policyDefinitions.getAtManagementGroup('root', 'hung'));
    expect(parse.code).toBe('PARSE_ERROR');
  });
});

describe('ARM emulator: management groups and subscriptions', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator({ pageSize: 2 });
    c = emulatorClients(emu);
  });
  afterAll(async () => emu.close());

  it('GET with $expand=children&$recurse=true returns the whole subtree', async () => {
    const mg = await c.managementGroups.managementGroups.get('root', { expand: 'children', recurse: true });
    expect(mg.name).toBe('root');
    expect(mg.tenantId).toBe(DEFAULT_TENANT_ID);
    expect(mg.details?.parent?.id).toBe(`/providers/Microsoft.Management/managementGroups/${DEFAULT_TENANT_ID}`);
    const tree = (nodes: typeof mg.children): unknown =>
      (nodes ?? []).map((n) => ({ name: n.name, type: n.type, children: n.children ? tree(n.children) : undefined }));
    expect(tree(mg.children)).toEqual([
      { name: 'platform', type: 'Microsoft.Management/managementGroups', children: [{ name: DEFAULT_SUBSCRIPTIONS.platform, type: '/subscriptions', children: undefined }] },
      {
        name: 'landing-zones',
        type: 'Microsoft.Management/managementGroups',
        children: [
          { name: 'corp', type: 'Microsoft.Management/managementGroups', children: [{ name: DEFAULT_SUBSCRIPTIONS.corp, type: '/subscriptions', children: undefined }] },
          { name: 'online', type: 'Microsoft.Management/managementGroups', children: [{ name: DEFAULT_SUBSCRIPTIONS.online, type: '/subscriptions', children: undefined }] },
        ],
      },
    ]);
    const flat = await c.managementGroups.managementGroups.get('root', { expand: 'children' });
    expect(flat.children?.find((n) => n.name === 'landing-zones')?.children ?? undefined).toBeUndefined();
  });

  it('$recurse without $expand=children is rejected; unknown groups are 404', async () => {
    const err = await rejection(c.managementGroups.managementGroups.get('root', { recurse: true }));
    expect(err.statusCode).toBe(400);
    const missing = await rejection(c.managementGroups.managementGroups.get('nope'));
    expect(missing.statusCode).toBe(404);
  });

  it('lists descendants across pages (nextLink carries api-version and the skip token)', async () => {
    emu.resetRequests();
    const seen = [];
    for await (const d of c.managementGroups.managementGroups.listDescendants('root')) seen.push(`${d.type}:${d.name}`);
    expect(seen.sort()).toEqual(
      [
        'Microsoft.Management/managementGroups:platform',
        'Microsoft.Management/managementGroups:landing-zones',
        'Microsoft.Management/managementGroups:corp',
        'Microsoft.Management/managementGroups:online',
        `/subscriptions:${DEFAULT_SUBSCRIPTIONS.platform}`,
        `/subscriptions:${DEFAULT_SUBSCRIPTIONS.corp}`,
        `/subscriptions:${DEFAULT_SUBSCRIPTIONS.online}`,
      ].sort(),
    );
    expect(emu.requests).toHaveLength(4); // 7 items, page size 2
    expect(emu.requests.slice(1).every((r) => r.apiVersion === '2021-04-01' && r.query.$skiptoken !== undefined)).toBe(true);
  });

  it('lists subscriptions of the tenant and under a management group', async () => {
    const subs = [];
    for await (const s of c.subscriptions.subscriptions.list()) subs.push(s.subscriptionId);
    expect(subs.sort()).toEqual(Object.values(DEFAULT_SUBSCRIPTIONS).sort());
    const under = [];
    for await (const s of c.managementGroups.managementGroupSubscriptions.listSubscriptionsUnderManagementGroup('corp')) under.push(s.name);
    expect(under).toEqual([DEFAULT_SUBSCRIPTIONS.corp]);
    const err = await rejection(c.subscriptions.subscriptions.get('99999999-9999-4999-8999-999999999999'));
    expect(err.statusCode).toBe(404);
  });

  it('accepts a custom hierarchy and rejects one with a dangling parent', async () => {
    const custom = await startArmEmulator({
      tenantId: 'tenant-1',
      hierarchy: { managementGroups: [{ id: 'top' }, { id: 'child', parent: 'top' }], subscriptions: [{ id: 'sub-1', displayName: 'One', managementGroup: 'child' }] },
    });
    try {
      const cc = emulatorClients(custom);
      const top = await cc.managementGroups.managementGroups.get('top', { expand: 'children', recurse: true });
      expect(top.children?.[0]?.children?.[0]?.name).toBe('sub-1');
    } finally {
      await custom.close();
    }
    await expect(startArmEmulator({ hierarchy: { managementGroups: [{ id: 'a', parent: 'ghost' }], subscriptions: [] } })).rejects.toThrow(/unknown parent 'ghost'/);
  });
});
