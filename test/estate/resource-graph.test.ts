/**
 * Impact preview from Azure Resource Graph against the ARM emulator's seeded estate: the documents of the
 * realistic export (test/fixtures/exports/estate) are indexed by the emulator as Resource Graph rows (lower-cased
 * types, every envelope column, row-only columns), read back page by page with skip tokens through the
 * publisher's gateway, turned into ARM GET documents and evaluated with their resource group and subscription.
 *
 * The expectations are independent of the Resource Graph path: evaluating the same documents from the export
 * files (whose findings test/cli/evaluate.test.ts checks against each control's documented intent) must give
 * the same findings, except for what Resource Graph cannot hold (diagnostic settings), which must be reported.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject } from '../../src/compiler/canonical-json.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/cli/handlers/evaluate.js';
import type { EvaluateReport } from '../../src/estate/engine.js';
import { armDocumentFromRow, graphQuery } from '../../src/estate/resource-graph.js';
import { AzureGateway, resourceGraphQuota } from '../../src/publisher/gateway.js';
import { DEFAULT_HIERARCHY, startArmEmulator, staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { emulatorChildEnv } from '../emulator/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const estateDir = join(repoRoot, 'test/fixtures/exports/estate');
const generated = join(repoRoot, 'generated');
const SUB = '7d3f2c1a-5b6e-4f80-9a1b-2c3d4e5f6a7b';
const read = (f: string) => JSON.parse(readFileSync(join(estateDir, f), 'utf8')) as unknown;
const resources = read('az-resource-list.json') as JsonObject[];
const pricings = (read('defender-pricings.json') as { value: Array<{ name: string; properties: object }> }).value;
/** The default tenant plus the estate's subscription under corp. */
const HIERARCHY = { ...DEFAULT_HIERARCHY, subscriptions: [...DEFAULT_HIERARCHY.subscriptions, { id: SUB, displayName: 'sub-landingzone-prod', managementGroup: 'corp' }] };
const FAST = { maxRetries: 2, consistencyRetries: 0, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 };

let emu: ArmEmulator;
let gateway: AzureGateway;
let paramsFile: string;

beforeAll(async () => {
  emu = await startArmEmulator({
    hierarchy: HIERARCHY,
    resourceGraph: {
      resources,
      resourceGroups: [{ subscriptionId: SUB, name: 'rg-storage', location: 'westeurope', tags: { environment: 'prod', costCenter: 'cc-1' } }],
      subscriptionTags: { [SUB]: { environment: 'prod' } },
      // Two queries per 400 ms window: a preview's few queries run into the quota and must wait, not fail.
      quota: { queries: 2, windowMs: 400 },
    },
  });
  for (const p of pricings) {
    const r = await emu.call('PUT', `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/${p.name}?api-version=2024-01-01`, { properties: p.properties });
    expect(r.status).toBeLessThan(300);
  }
  gateway = await AzureGateway.create({ endpoint: emu.url, ca: emu.ca, credential: staticTokenCredential(), retry: FAST, env: {} });
  paramsFile = join(repoRoot, 'test/fixtures/exports/estate-params.json');
});
afterAll(async () => {
  await emu?.close();
});

function findings(report: EvaluateReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of report.policies)
    for (const m of p.members) out.set(`${p.name}/${m.referenceId ?? m.definitionName}`, m.findings.map((f) => `${f.outcome} ${f.resourceId.toLowerCase()}`).sort());
  return out;
}

describe('Resource Graph rows as ARM GET documents', () => {
  it('restores the type casing, drops the row-only and empty envelope columns, keeps properties as they are', () => {
    const row = (read('../graph/storage-accounts.json') as { data: Array<Record<string, unknown>> }).data[0]!;
    const doc = armDocumentFromRow(row as never);
    expect(doc.type).toBe('Microsoft.Storage/storageAccounts');
    for (const k of ['tenantId', 'resourceGroup', 'subscriptionId', 'managedBy', 'plan']) expect(doc).not.toHaveProperty(k);
    expect(doc.properties).toEqual(row.properties);
    expect(doc).toMatchObject({ id: row.id, name: row.name, kind: 'StorageV2', location: 'westeurope', sku: row.sku });
    expect(armDocumentFromRow({ id: '/x', name: 'x', type: 'microsoft.network/networkwatchers', location: '', tags: null, identity: null } as never)).toEqual({ id: '/x', name: 'x', type: 'Microsoft.Network/networkWatchers' });
  });

  it('asks for only the wanted types, sorted by id for reliable paging', () => {
    expect(graphQuery('resources', new Set(['microsoft.storage/storageaccounts', "o'brien/x"]))).toBe("resources\n| where type in~ ('microsoft.storage/storageaccounts', 'o\\'brien/x')\n| order by id asc");
  });

  it('reads the quota headers Resource Graph sends', () => {
    expect(resourceGraphQuota('0', '00:00:03')).toEqual({ remaining: 0, resetsAfterMs: 3000 });
    expect(resourceGraphQuota('12', '01:02:03.5')).toEqual({ remaining: 12, resetsAfterMs: 3_723_500 });
    expect(resourceGraphQuota(undefined, 'soon')).toEqual({});
  });
});

describe('evaluate --mg against the emulated estate', () => {
  let graph: EvaluateReport;
  let files: EvaluateReport;
  beforeAll(async () => {
    emu.resetRequests();
    graph = await runEvaluation({ policy: [generated], parameters: paramsFile, graph: { scope: { managementGroups: ['root'] }, label: 'management group root', gateway, top: 5 } });
    files = await runEvaluation({
      policy: [generated],
      parameters: paramsFile,
      resources: ['az-resource-list.json', 'subscription.json', 'defender-pricings.json', 'subscription-diagnostic-settings.json'].map((f) => join(estateDir, f)),
      expandChildren: true,
    });
  }, 120_000);

  it('finds what the export files find, control by control, except what Resource Graph cannot hold', () => {
    const notPreviewed = graph.problems.filter((p) => p.code === 'ZT7015');
    expect(notPreviewed.length).toBeGreaterThan(0);
    for (const p of notPreviewed) expect(p.message).toMatch(/microsoft\.insights\/diagnosticsettings, which Azure Resource Graph has no table for/);
    const skipped = new Set(notPreviewed.map((p) => /\(member ([^)]+)\)/.exec(p.message)?.[1]));
    const g = findings(graph);
    const f = findings(files);
    let compared = 0;
    for (const [key, list] of f) {
      if (skipped.has(key.split('/')[1])) {
        expect(g.get(key)).toEqual([]);
        continue;
      }
      // Subscriptions under root that the export does not hold (the emulator's platform/corp/online ones).
      const own = (g.get(key) ?? []).filter((x) => x.includes(SUB));
      expect(own, key).toEqual(list);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(graph.summary.denied).toBe(files.summary.denied);
  });

  it('denies the TLS 1.0 storage account and evaluates the other subscriptions under the management group too', () => {
    const denied = graph.policies.flatMap((p) => p.members.flatMap((m) => m.findings)).filter((x) => x.outcome === 'denied').map((x) => x.resourceId.split('/').pop());
    expect(denied).toContain('stlegacytls10');
    const subs = new Set(graph.policies.flatMap((p) => p.members.flatMap((m) => m.findings.map((x) => /^\/subscriptions\/([^/]+)/.exec(x.resourceId)?.[1]))));
    // platform, corp and online are under root; sandbox is not.
    expect(subs).toContain('11111111-1111-4111-8111-111111111111');
    expect(subs).not.toContain('44444444-4444-4444-8444-444444444444');
  });

  it('reads resourcecontainers once and only the types the policies apply to, page by page with skip tokens', () => {
    const queries = emu.requests.filter((r) => r.path.toLowerCase().endsWith('/providers/microsoft.resourcegraph/resources')).map((r) => r.body as { query: string; options?: { $skipToken?: string } });
    const first = queries.filter((q) => !q.options?.$skipToken);
    expect(first.filter((q) => q.query.startsWith('resourcecontainers'))).toHaveLength(1);
    const main = first.find((q) => q.query.startsWith('resources') && q.query.includes('microsoft.storage/storageaccounts'))!;
    expect(main.query).toMatch(/\| where type in~ \(/);
    expect(main.query).not.toMatch(/microsoft\.keyvault\/vaults.*microsoft\.keyvault\/vaults/);
    // 40+ rows at 5 per page: the rest came with skip tokens.
    expect(queries.filter((q) => q.options?.$skipToken).length).toBeGreaterThanOrEqual(5);
    // The emulator's quota (2 per 400 ms) ran out: the gateway waited for the window's reset that the quota
    // headers announced, so no query was answered 429.
    expect(queries.length).toBeGreaterThan(2);
    expect(emu.requests.filter((r) => r.status === 429)).toEqual([]);
  });
});

describe('resource group and subscription context', () => {
  it("evaluates resourceGroup().tags and subscription() from resourcecontainers, as Azure's scan sees them", async () => {
    const rule = {
      name: 'inherit-env',
      properties: {
        mode: 'Indexed',
        policyRule: {
          if: {
            allOf: [
              { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
              { value: "[resourceGroup().tags['costCenter']]", equals: 'cc-1' },
              { value: '[subscription().displayName]', equals: 'sub-landingzone-prod' },
            ],
          },
          then: { effect: 'audit' },
        },
      },
    };
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'zt-rg-ctx-'));
    const file = join(dir, 'inherit-env.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(rule));
    const report = await runEvaluation({ policy: [file], graph: { scope: { subscriptions: [SUB] }, label: `subscription ${SUB}`, gateway } });
    const audited = report.policies[0]!.members[0]!.findings.map((f) => f.resourceId.split('/')[4]);
    const storageGroups = resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts').map((r) => String(r.id).split('/')[4]);
    expect(new Set(audited)).toEqual(new Set(['rg-storage']));
    expect(audited).toHaveLength(storageGroups.filter((g) => g === 'rg-storage').length);
  });
});

describe('Azure failures', () => {
  it('an unreachable Resource Graph is an Azure failure (exit 3) with a hint, not a crash', async () => {
    const dead = await AzureGateway.create({ endpoint: 'https://127.0.0.1:1', ca: emu.ca, credential: staticTokenCredential(), retry: FAST, env: {} });
    const run = runEvaluation({ policy: [join(generated, 'policySetDefinitions/zt-storage.json')], graph: { scope: { managementGroups: ['root'] }, label: 'management group root', gateway: dead } });
    await expect(run).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/^reading the estate from Azure Resource Graph failed/) });
  });
});

describe('Resource Graph throttling during a preview', () => {
  it('says once that requests wait on throttling while its quota resets, and still evaluates everything', async () => {
    // One query per 1.5 s window: the second query (resources after resourcecontainers) must wait for the reset.
    const tight = await startArmEmulator({ hierarchy: HIERARCHY, resourceGraph: { resources, quota: { queries: 1, windowMs: 1500 } } });
    try {
      const g = await AzureGateway.create({ endpoint: tight.url, ca: tight.ca, credential: staticTokenCredential(), retry: FAST, env: {} });
      const lines: string[] = [];
      const report = await runEvaluation({
        policy: [join(generated, 'policySetDefinitions/zt-storage.json')],
        graph: { scope: { managementGroups: ['root'] }, label: 'management group root', gateway: g },
        progress: (l) => lines.push(l),
      });
      const waiting = lines.filter((l) => /^Resource Graph: [1-9]\d* request\(s\) waiting on throttling \(its quota reset or Retry-After is honoured\)$/.test(l));
      expect(waiting.length).toBeGreaterThanOrEqual(1);
      expect(waiting.length).toBeLessThanOrEqual(lines.filter((l) => l.startsWith('Resource Graph')).length);
      expect(g.waits.waiting('throttled')).toBe(0);
      expect(report.summary.resources).toBeGreaterThan(0);
      expect(tight.requests.filter((q) => q.status === 429)).toHaveLength(0); // waited for the reset instead of running into a 429
    } finally {
      await tight.close();
    }
  }, 30_000);
});

describe('ztpolicy evaluate --mg (the CLI in a child process)', () => {
  it('prints a Markdown preview per control and exits 1 because resources would be denied', async () => {
    const r = await runCli(['evaluate', '--policy', join(generated, 'policySetDefinitions/zt-storage.json'), '--mg', 'root', '--endpoint', emu.url, '--markdown'], { env: emulatorChildEnv(emu) });
    expect(r.stderr).toMatch(/Reading \d+ resource type\(s\) under management group root from Azure Resource Graph/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## ztpolicy impact preview/);
    expect(r.stdout).toMatch(/\n\| zt-stg-02-minimum-tls \| 2 \|[^\n]*`stlegacytls10`/);
  }, 60_000);
});
