/**
 * The emulator's Azure Resource Graph (handlers/resource-graph.ts, kql.ts) through the real
 * @azure/arm-resourcegraph client: the Defender pricing query ztpolicy sends, paging with $skipToken, scoping by
 * management group, and the lag knobs. Expectations come from Microsoft's Resource Graph docs (paging-results.md,
 * work-with-data.md) and KQL's documented operator semantics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClients, type EmulatorClients } from './clients.js';
import { DEFAULT_SUBSCRIPTIONS, parseKql, runKql, seededSubscriptionId, startArmEmulator, type ArmEmulator } from './index.js';
import { rejection } from './test-helpers.js';
import { AzureGateway } from '../../src/publisher/gateway.js';
import { staticTokenCredential } from './sdk.js';

/**
 * @azure/arm-resourcegraph 5.0.0-beta.4 maps `data` as a Dictionary, so an objectArray page arrives as
 * { "0": row, "1": row, ... } (probe against this emulator); integer keys keep their order.
 */
function rowsOf(data: unknown): Record<string, unknown>[] {
  return (Array.isArray(data) ? data : Object.values(data as object)) as Record<string, unknown>[];
}

const PRICINGS = `securityresources
| where type == "microsoft.security/pricings"
| where name in~ ('virtualmachines', 'KeyVaults')
| project id, subscriptionId, name, properties
| order by id asc`;

describe('KQL subset', () => {
  const rows = [
    { id: 'b', name: 'VirtualMachines', type: 'microsoft.security/pricings', properties: { pricingTier: 'Standard' } },
    { id: 'a', name: 'KeyVaults', type: 'microsoft.security/pricings', properties: { pricingTier: 'Free' } },
    { id: 'c', name: 'Dns', type: 'Microsoft.Security/pricings', properties: {} },
  ];
  const ids = (q: string) => runKql(parseKql(q), rows).rows.map((r) => r.id);

  it('== is case-sensitive, =~ and in~ are not; a missing property matches nothing', () => {
    expect(ids("x | where type == 'microsoft.security/pricings'")).toEqual(['b', 'a']);
    expect(ids("x | where type =~ 'MICROSOFT.SECURITY/PRICINGS'")).toEqual(['b', 'a', 'c']);
    expect(ids("x | where name in~ ('keyvaults', 'dns')")).toEqual(['a', 'c']);
    expect(ids("x | where name in ('keyvaults', 'Dns')")).toEqual(['c']);
    expect(ids("x | where properties.pricingTier != 'Free'")).toEqual(['b']);
    expect(ids("x | where not(properties.pricingTier == 'Free') and name !in ('Dns')")).toEqual(['b']);
  });

  it('projects, orders (descending by default) and limits', () => {
    const r = runKql(parseKql("x | project id, tier = properties.pricingTier | order by id | limit 2"), rows);
    expect(r.rows).toEqual([{ id: 'c', tier: null }, { id: 'b', tier: 'Standard' }]);
    expect(r.pageable).toBe(false);
    expect(runKql(parseKql('x | order by id asc'), rows).rows.map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses what it does not implement instead of answering wrongly', () => {
    expect(() => parseKql('x | summarize count() by name')).toThrow(/summarize.*not supported/);
    expect(() => parseKql("x | where name == 'a")).toThrow(/unterminated/);
  });
});

describe('Resource Graph endpoint', () => {
  let emu: ArmEmulator;
  let c: EmulatorClients;
  beforeAll(async () => {
    emu = await startArmEmulator({ subscriptions: { count: 30 }, resourceGraph: { unindexedSubscriptions: [seededSubscriptionId(1)] } });
    c = emulatorClients(emu);
  });
  afterAll(async () => emu.close());

  it('answers the pricing query for the subscriptions under a management group, paged by $skipToken', async () => {
    const seen: Record<string, unknown>[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const r = await c.resourceGraph.resources({
        query: PRICINGS,
        managementGroups: ['landing-zones'],
        options: { top: 25, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) },
      });
      pages++;
      seen.push(...rowsOf(r.data));
      expect(r.totalRecords).toBe(2 * 31); // corp-prod, online-prod and the 30 seeded, less the unindexed one
      skipToken = r.skipToken;
    } while (skipToken);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(62);
    const subs = new Set(seen.map((r) => r.subscriptionId));
    expect(subs.has(DEFAULT_SUBSCRIPTIONS.corp)).toBe(true);
    expect(subs.has(DEFAULT_SUBSCRIPTIONS.platform)).toBe(false); // platform is not under landing-zones
    expect(subs.has(seededSubscriptionId(1))).toBe(false); // not indexed yet
    expect(seen.map((r) => r.id)).toEqual([...seen.map((r) => r.id as string)].sort());
    expect(seen[0]).toMatchObject({ name: expect.stringMatching(/^(KeyVaults|VirtualMachines)$/), properties: { pricingTier: 'Free' } });
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/providers/Microsoft.ResourceGraph/resources', apiVersion: '2021-06-01-preview' });
  });

  it('refuses a $skipToken replayed with another query, $top over 1000, and an unsupported query with 400', async () => {
    const first = await c.resourceGraph.resources({ query: PRICINGS, options: { top: 10, resultFormat: 'objectArray' } });
    expect((await rejection(c.resourceGraph.resources({ query: `${PRICINGS} | limit 5`, options: { skipToken: first.skipToken!, resultFormat: 'objectArray' } }))).statusCode).toBe(400);
    expect((await rejection(c.resourceGraph.resources({ query: PRICINGS, options: { top: 1001 } }))).statusCode).toBe(400);
    const bad = await rejection(c.resourceGraph.resources({ query: 'resources | summarize count()' }));
    expect([bad.statusCode, bad.code]).toEqual([400, 'BadRequest']);
  });

  it('shows a pricing write only after the index delay (Resource Graph trails ARM)', async () => {
    const lagging = await startArmEmulator({ resourceGraph: { indexDelayMs: 60_000 } });
    try {
      const sub = DEFAULT_SUBSCRIPTIONS.corp;
      await lagging.call('PUT', `/subscriptions/${sub}/providers/Microsoft.Security/pricings/KeyVaults?api-version=2024-01-01`, { properties: { pricingTier: 'Standard' } });
      const r = await emulatorClients(lagging).resourceGraph.resources({ query: PRICINGS, subscriptions: [sub], options: { resultFormat: 'objectArray' } });
      const kv = rowsOf(r.data).find((x) => x.name === 'KeyVaults')!;
      expect(kv.properties).toMatchObject({ pricingTier: 'Free' });
      const direct = await lagging.call('GET', `/subscriptions/${sub}/providers/Microsoft.Security/pricings/KeyVaults?api-version=2024-01-01`);
      expect((direct.body as { properties: { pricingTier: string } }).properties.pricingTier).toBe('Standard');
    } finally {
      await lagging.close();
    }
  });
});

describe('Resource Graph: at most 1,000 subscriptions per request (Learn, "Too many subscriptions")', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator({ subscriptions: { count: 1050 } });
  });
  afterAll(async () => emu.close());
  const seeded = (n: number) => Array.from({ length: n }, (_, i) => seededSubscriptionId(i + 1));

  it('the emulator refuses a request naming 1,001 subscriptions with 400', async () => {
    const c = emulatorClients(emu);
    const err = await rejection(c.resourceGraph.resources({ query: PRICINGS, subscriptions: seeded(1001), options: { resultFormat: 'objectArray' } }));
    expect([err.statusCode, err.code]).toEqual([400, 'BadRequest']);
  });

  it('the gateway batches 1,050 subscriptions into requests of at most 1,000 and returns every row once', async () => {
    const gateway = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential('t') });
    emu.resetRequests();
    const rows: Record<string, unknown>[] = [];
    for await (const page of gateway.resourceGraphPages(PRICINGS, { subscriptions: seeded(1050) })) rows.push(...page);
    const posts = emu.requests.filter((q) => q.method === 'POST');
    expect(posts.every((q) => q.status === 200)).toBe(true);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    // Two plans per seeded subscription, each subscription's rows exactly once.
    expect(rows).toHaveLength(2 * 1050);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2 * 1050);
    expect(new Set(rows.map((r) => String(r.subscriptionId).toLowerCase()))).toEqual(new Set(seeded(1050).map((s) => s.toLowerCase())));
  }, 60_000);
});
