import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { RetryWaits } from '../../src/publisher/retry-waits.js';
import { AzureGateway, checkEndpoint, prefetchedToken, retryAfterMs, staticTokenCredential, tokenTenant } from '../../src/publisher/gateway.js';
import type { ArmEmulator } from '../emulator/index.js';
import { emulator, FAST_RETRY } from './helpers.js';

function response(headers: Record<string, string>): PipelineResponse {
  return { headers: createHttpHeaders(headers), status: 429, request: createPipelineRequest({ url: 'https://x' }) };
}

describe('endpoint rule: https only, except loopback', () => {
  it('accepts https anywhere and http on loopback only', () => {
    expect(checkEndpoint('https://management.usgovcloudapi.net').host).toBe('management.usgovcloudapi.net');
    expect(checkEndpoint('http://127.0.0.1:8443').protocol).toBe('http:');
    expect(checkEndpoint('http://localhost:1').protocol).toBe('http:');
    expect(checkEndpoint('http://[::1]:1').protocol).toBe('http:');
  });
  it('refuses plain http to anything else, and non-URLs', () => {
    expect(() => checkEndpoint('http://management.azure.com')).toThrowError(BadInputError);
    expect(() => checkEndpoint('http://10.0.0.1')).toThrowError(/https only/);
    expect(() => checkEndpoint('ftp://127.0.0.1')).toThrowError(BadInputError);
    expect(() => checkEndpoint('management.azure.com')).toThrowError(/not a URL/);
  });
});

describe('plain http on loopback (emulators)', () => {
  it('signs requests with the token even though core’s bearer policy refuses non-https URLs', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: '/providers/Microsoft.Management/managementGroups/root', name: 'root', properties: { tenantId: 't1', children: [] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const g = await AzureGateway.create({ endpoint: `http://127.0.0.1:${port}`, credential: staticTokenCredential('loop-token'), retry: FAST_RETRY });
      expect((await g.getManagementGroup('root')).tenantId).toBe('t1');
      expect(seen).toEqual(['Bearer loop-token']);
    } finally {
      server.close();
    }
  });
});

describe('Retry-After parsing (milliseconds headers first, then seconds or an HTTP-date)', () => {
  it('reads each documented form', () => {
    expect(retryAfterMs(response({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(response({ 'x-ms-retry-after-ms': '40' }))).toBe(40);
    expect(retryAfterMs(response({ 'retry-after': '3' }))).toBe(3000);
    // An HTTP-date a minute ahead (whole seconds, RFC 9110): the delay is that minute less the time already spent,
    // so a wide window keeps this independent of how fast the test machine is.
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const ms = retryAfterMs(response({ 'retry-after': inAMinute }))!;
    expect(ms).toBeGreaterThan(30_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(retryAfterMs(response({}))).toBeUndefined();
  });
});

describe('token tenant check', () => {
  it('reads the tid claim of a JWT without verifying it, and ignores opaque tokens', () => {
    const payload = Buffer.from(JSON.stringify({ tid: 'aaaaaaaa-0000-4000-8000-000000000001' })).toString('base64url');
    expect(tokenTenant(`eyJhbGciOiJub25lIn0.${payload}.sig`)).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    expect(tokenTenant('emulator-token')).toBeUndefined();
  });
});

describe('sign-in started before the first request (issue 8.4)', () => {
  const scope = 'https://management.azure.com/.default';
  it('asks for the token at once and hands that answer to the first request, later ones to the credential', async () => {
    const asked: string[] = [];
    let n = 0;
    const credential = prefetchedToken(
      {
        getToken: async (scopes) => {
          asked.push(String(scopes));
          n += 1;
          return { token: `t${n}`, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      scope,
    );
    expect(asked).toEqual([scope]); // before anyone asked
    expect((await credential.getToken(scope))?.token).toBe('t1');
    expect((await credential.getToken(scope))?.token).toBe('t2');
    expect((await credential.getToken('https://other/.default'))?.token).toBe('t3');
    expect(asked).toEqual([scope, scope, 'https://other/.default']);
  });

  it('reports a sign-in failure at the first request, not as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const credential = prefetchedToken({ getToken: () => Promise.reject(new Error('no sign-in')) }, scope);
      await new Promise((r) => setTimeout(r, 10));
      await expect(credential.getToken(scope)).rejects.toThrow('no sign-in');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('gateway against the emulator', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('sends the bearer token, never logs it, and reads the hierarchy in one request', async () => {
    const secret = 'tok-3f9a1c-SECRET-value';
    const lines: string[] = [];
    emu.resetRequests();
    const g = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential(secret), log: (l) => lines.push(l), retry: FAST_RETRY });
    const mg = await g.getManagementGroup('root');
    expect(mg.tenantId).toBe(emu.tenantId);
    expect(mg.subscriptions.sort()).toEqual(['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333']);
    expect(mg.descendantGroups.sort()).toEqual(['corp', 'landing-zones', 'online', 'platform']);
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0]!.authorization).toBe(true);
    // ManagementGroups_Get as the REST spec (2021-04-01) defines it, whole subtree in one answer.
    expect(emu.requests[0]).toMatchObject({ method: 'GET', apiVersion: '2021-04-01' });
    expect(emu.requests[0]!.query).toMatchObject({ $expand: 'children', $recurse: 'true' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('retries a 429 without Retry-After (core’s default policy would give up) and gives up on persistent 500s after the budget', async () => {
    const g = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t'), retry: FAST_RETRY });
    emu.faults.clear();
    emu.resetRequests();
    emu.faults.add({ match: { pathIncludes: '/policySetDefinitions' }, kind: '429', retryAfterSeconds: null, times: 1 });
    await g.listSetDefinitions('root');
    expect(emu.requests.map((r) => r.status)).toEqual([429, 200]);

    emu.resetRequests();
    emu.faults.add({ match: { pathIncludes: '/policyAssignments' }, kind: '500' });
    await expect(g.listAssignments('root')).rejects.toMatchObject({ statusCode: 500 });
    expect(emu.requests).toHaveLength(FAST_RETRY.maxRetries + 1);
    emu.faults.clear();
  });

  it('does not retry a client error such as 403 AuthorizationFailed', async () => {
    const g = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t'), retry: FAST_RETRY });
    emu.resetRequests();
    emu.faults.add({ match: { pathIncludes: '/policyDefinitions' }, kind: 'status', status: 403, code: 'AuthorizationFailed', times: 1 });
    await expect(g.listDefinitions('root')).rejects.toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(emu.requests).toHaveLength(1);
    emu.faults.clear();
  });
});

describe('a static token goes only to the endpoint it was minted for (issue 11.4)', () => {
  const jwt = (claims: object) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const create = (endpoint: string, token: string) => AzureGateway.create({ endpoint, env: { ZTPOLICY_ACCESS_TOKEN: token }, retry: FAST_RETRY });
  const refused = async (endpoint: string, token: string) => {
    const e = await create(endpoint, token).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `${endpoint} with ${token.slice(0, 20)}...`).toBeInstanceOf(BadInputError);
    expect((e as BadInputError).code).toBe('ZT8042');
    // The refusal never repeats the token.
    expect(`${(e as Error).message} ${(e as BadInputError).hint}`).not.toContain(token);
  };

  it('accepts ARM audiences of the cloud the endpoint belongs to (both resource URIs ARM honours)', async () => {
    for (const [endpoint, aud] of [
      ['https://management.azure.com', 'https://management.azure.com/'],
      ['https://management.azure.com', 'https://management.core.windows.net/'],
      ['https://management.azure.com/', 'https://management.azure.com'],
      ['https://management.usgovcloudapi.net', 'https://management.core.usgovcloudapi.net/'],
      ['https://management.chinacloudapi.cn', 'https://management.chinacloudapi.cn'],
    ] as const) {
      await expect(create(endpoint, jwt({ aud, tid: 't' }))).resolves.toBeInstanceOf(AzureGateway);
    }
  });

  it('refuses a token for another audience, another cloud or another host, and an opaque token for a real endpoint', async () => {
    await refused('https://management.azure.com', jwt({ aud: 'https://graph.microsoft.com' }));
    await refused('https://management.azure.com', jwt({ aud: '00000003-0000-0000-c000-000000000000' }));
    await refused('https://management.chinacloudapi.cn', jwt({ aud: 'https://management.azure.com/' }));
    await refused('https://arm.attacker.example', jwt({ aud: 'https://management.azure.com/' }));
    await refused('https://management.azure.com.attacker.example', jwt({ aud: 'https://management.azure.com/' }));
    await refused('https://management.azure.com', 'opaque-token-without-claims');
    await refused('https://management.azure.com', jwt({ tid: 't' }));
  });

  it('lets an emulator on loopback take a test token, but never a token minted for real Azure', async () => {
    await expect(create('http://127.0.0.1:8443', 'emulator-token')).resolves.toBeInstanceOf(AzureGateway);
    await expect(create('https://127.0.0.1:8443', jwt({ aud: 'https://127.0.0.1:8443' }))).resolves.toBeInstanceOf(AzureGateway);
    await refused('https://127.0.0.1:8443', jwt({ aud: 'https://management.azure.com/' }));
    await refused('http://localhost:1', jwt({ aud: 'https://management.core.windows.net/' }));
  });
});

describe('consistency retries are for objects this run just created (issue 11.11)', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await emulator({ definitionVisibilityFailures: 2 });
  });
  afterAll(async () => {
    await emu.close();
  });
  const defId = (name: string) => `/providers/Microsoft.Management/managementGroups/root/providers/Microsoft.Authorization/policyDefinitions/${name}`;
  const audit = { policyType: 'Custom', mode: 'All', displayName: 'd', policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: 'audit' } } };
  const setOf = (...ids: string[]) => ({ policyType: 'Custom', displayName: 's', policyDefinitions: ids.map((id, i) => ({ policyDefinitionId: id, policyDefinitionReferenceId: `m${i}` })) });
  const puts = (fragment: string) => emu.requests.filter((r) => r.method === 'PUT' && r.path.includes(fragment)).length;

  it('fails at once on a reference to an id nobody created (a typo, not a delay)', async () => {
    const g = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t'), retry: FAST_RETRY });
    emu.resetRequests();
    await expect(g.putSetDefinition('root', 'typo-set', setOf(defId('no-such-definition')))).rejects.toMatchObject({ code: 'PolicyDefinitionNotFound' });
    expect(puts('/policySetDefinitions/typo-set')).toBe(1);
    await expect(
      g.putAssignment('root', 'typo-asg', { identity: { type: 'None' }, properties: { policyDefinitionId: defId('no-such-definition') } }),
    ).rejects.toMatchObject({ code: 'PolicyDefinitionNotFound' });
    expect(puts('/policyAssignments/typo-asg')).toBe(1);
  });

  it('retries a reference to a definition this run created until it is visible', async () => {
    const g = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t'), retry: FAST_RETRY });
    emu.resetRequests();
    await g.putDefinition('root', 'fresh-def', audit, { created: true });
    await g.putSetDefinition('root', 'fresh-set', setOf(defId('fresh-def')), { created: true });
    expect(puts('/policySetDefinitions/fresh-set')).toBe(3);
  });
});

describe('gateway: requests waiting before a retry are counted by why (progress displays show them)', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(() => emu.close());

  it('a 429 waits as throttled, a 500 as transient; each count falls back to 0 when its retry has gone', async () => {
    const waits = new RetryWaits();
    const seen: string[] = [];
    waits.subscribe(() => seen.push(`throttled=${waits.waiting('throttled')} transient=${waits.waiting('transient')}`));
    const gateway = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t'), retry: FAST_RETRY, waits });
    expect(gateway.waits).toBe(waits);
    emu.faults.add({ match: { method: 'GET' }, kind: '429', retryAfterMs: 30, times: 1 });
    emu.faults.add({ match: { method: 'GET' }, kind: '500', times: 1 });
    await gateway.listManagementGroups();
    emu.faults.clear();
    expect(emu.requests.slice(-3).map((q) => q.status)).toEqual([429, 500, 200]);
    expect(seen).toEqual(['throttled=1 transient=0', 'throttled=0 transient=0', 'throttled=0 transient=1', 'throttled=0 transient=0']);
  });
});
