/**
 * The preview engine on the realistic export (test/fixtures/exports/estate) with the generated initiatives:
 * worker threads and the streaming reader give the same report, findings in input order, as the main thread
 * reading whole files; the findings cap keeps counts complete; --compare-effect flips only effects whose
 * parameter allows it; the JSON writer writes exactly what JSON.stringify would.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/cli/handlers/evaluate.js';
import type { JsonObject } from '../../src/compiler/canonical-json.js';
import type { EvaluateReport, ResourceSource } from '../../src/estate/engine.js';
import { renderMarkdown, writeJson } from '../../src/estate/render.js';
import { repoRoot } from '../helpers/cli.js';
import { workerRunner } from '../../src/estate/pool.js';
import type { ChunkSetup } from '../../src/estate/chunk.js';

const generated = join(repoRoot, 'generated');
const estate = join(repoRoot, 'test/fixtures/exports/estate');
const storage = join(generated, 'policySetDefinitions/zt-storage.json');
const spoke = join(generated, 'policySetDefinitions/zt-spoke-vnet.json');

const findingIds = (r: EvaluateReport) => r.policies.map((p) => p.members.map((m) => m.findings.map((f) => `${f.outcome} ${f.resourceId}`)));

describe('runPreview', () => {
  it('gives the same report on worker threads (tiny chunks) and streamed files as on the main thread', async () => {
    const base = await runEvaluation({ policy: [storage, spoke], resources: [estate], workers: 0, expandChildren: true });
    expect(base.summary.denied).toBeGreaterThan(0);
    const parallel = await runEvaluation({ policy: [storage, spoke], resources: [estate], workers: 2, chunkSize: 3, streamAboveBytes: 0, expandChildren: true });
    expect(parallel).toEqual(base);
    // Input order: the findings of each member follow the files (sorted) and their elements.
    for (const p of base.policies)
      for (const m of p.members) {
        const keys = m.findings.map((f) => `${f.file}\u0000${f.jsonPath.replace(/\d+/g, (d) => d.padStart(6, '0'))}`);
        expect(keys).toEqual([...keys].sort());
      }
  }, 60_000);

  it('lists at most maxFindings per member and keeps the counts complete, on the main thread and on workers', async () => {
    const all = await runEvaluation({ policy: [storage], resources: [estate], maxFindings: 0 });
    const capped = await runEvaluation({ policy: [storage], resources: [estate], maxFindings: 1 });
    expect(capped.summary).toEqual(all.summary);
    // Workers count what they do not list: the same report, whichever thread saw which chunk.
    expect(await runEvaluation({ policy: [storage], resources: [estate], maxFindings: 1, workers: 2, chunkSize: 2 })).toEqual(capped);
    capped.policies[0]!.members.forEach((m, i) => {
      const full = all.policies[0]!.members[i]!;
      expect(m.findings).toEqual(full.findings.slice(0, 1));
      expect(m.findingsOmitted ?? 0).toBe(Math.max(0, full.findings.length - 1));
      expect(Object.values(m.counts).reduce((a, b) => a + b, 0)).toBe(full.findings.length);
    });
  });

  it('--compare-effect Deny turns audits into denials where the effect parameter allows Deny, and says where it does not', async () => {
    const today = await runEvaluation({ policy: [storage], resources: [estate] });
    const flipped = await runEvaluation({ policy: [storage], resources: [estate], compareEffect: 'Deny' });
    const members = (r: EvaluateReport) => r.policies[0]!.members;
    let flippedSome = false;
    members(flipped).forEach((m, i) => {
      const before = members(today)[i]!;
      if (m.effectOverride) {
        flippedSome = true;
        expect(m.effectOverride.to.toLowerCase()).toBe('deny');
        // Same resources matched; every one of them is now denied.
        expect(m.findings.map((f) => f.resourceId)).toEqual(before.findings.filter((f) => f.outcome === 'denied' || f.outcome === 'audited').map((f) => f.resourceId));
        expect(m.findings.every((f) => f.outcome === 'denied')).toBe(true);
      } else expect(m.findings).toEqual(before.findings);
    });
    expect(flippedSome).toBe(true);
    const unchanged = members(flipped).filter((m) => !m.effectOverride).length;
    expect(flipped.problems.filter((p) => p.code === 'ZT7014')).toHaveLength(unchanged);
  });

  it('writes JSON in pieces exactly as JSON.stringify(report, null, 2)', async () => {
    const report = await runEvaluation({ policy: [storage], resources: [estate] });
    // Large arrays (walked in runs of 1,000) next to small values, nested, with what JSON.stringify drops or nulls.
    const big = Array.from({ length: 2503 }, (_, i) => (i % 7 === 0 ? { id: i, nested: [i, { deep: `x${i}` }], gone: undefined } : i % 11 === 0 ? undefined : `s${i}\n"q"`));
    const value = { ...report, extra: [undefined, () => 1, { a: undefined, b: [], c: {} }], big, wrapped: [{ members: [{ findings: big }] }, 'tail'], empty: [] };
    const pieces: string[] = [];
    writeJson(value, (t) => pieces.push(t));
    expect(pieces.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('renders Markdown per control with counts and the first ids', async () => {
    const report = await runEvaluation({ policy: [storage], resources: [estate], maxFindings: 1 });
    const md = renderMarkdown(report, { firstIds: 1 });
    expect(md).toMatch(/^## ztpolicy impact preview\n/);
    const member = report.policies[0]!.members.find((m) => m.counts.denied > 1)!;
    const row = md.split('\n').find((l) => l.startsWith(`| ${member.referenceId} |`))!;
    expect(row).toContain(`| ${member.counts.denied} |`);
    const total = Object.values(member.counts).reduce((a, b) => a + b, 0);
    expect(row).toContain(`(+${total - 1})`);
    expect(row).toContain(`\`${member.findings[0]!.resourceId.split('/').pop()}\``);
  });

  it('takes resource-group and subscription documents among the inputs as resourceGroup() and subscription() of the resources in them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zt-engine-ctx-'));
    const sub = '7d3f2c1a-5b6e-4f80-9a1b-2c3d4e5f6a7b';
    const group = (name: string, tags: Record<string, string>, type: string) => ({ id: `/subscriptions/${sub}/resourceGroups/${name}`, name, type, location: 'westeurope', tags, properties: { provisioningState: 'Succeeded' } });
    const account = (rg: string, name: string) => ({ id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts', location: 'westeurope', kind: 'StorageV2', properties: {} });
    // Resources first, containers in a later file: the context must not depend on the order.
    writeFileSync(join(dir, 'a-resources.json'), JSON.stringify([account('rg-tagged', 'sttagged'), account('rg-other', 'stother'), account('rg-unlisted', 'stunlisted')]));
    // `az group list` spells the type Microsoft.Resources/resourceGroups, Resource Graph Microsoft.Resources/subscriptions/resourceGroups.
    writeFileSync(join(dir, 'b-groups.json'), JSON.stringify([group('rg-tagged', { costCenter: 'cc-1' }, 'Microsoft.Resources/resourceGroups'), group('rg-other', { costCenter: 'cc-2' }, 'Microsoft.Resources/subscriptions/resourceGroups')]));
    writeFileSync(join(dir, 'c-subscription.json'), JSON.stringify({ id: `/subscriptions/${sub}`, subscriptionId: sub, displayName: 'sub-landingzone-prod', tenantId: '00000000-0000-0000-0000-0000000000aa', type: 'Microsoft.Resources/subscriptions', state: 'Enabled', tags: {} }));
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({
      name: 'cc-1-in-landing-zone',
      properties: {
        mode: 'All',
        policyRule: {
          if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { value: "[resourceGroup().tags['costCenter']]", equals: 'cc-1' }, { value: '[subscription().displayName]', equals: 'sub-landingzone-prod' }] },
          then: { effect: 'audit' },
        },
      },
    }));
    const inputs = ['a-resources.json', 'b-groups.json', 'c-subscription.json'].map((f) => join(dir, f));
    const names = (r: EvaluateReport) => r.policies[0]!.members[0]!.findings.map((f) => f.resourceId.split('/').pop());
    const whole = await runEvaluation({ policy: [policy], resources: inputs });
    expect(names(whole)).toEqual(['sttagged']);
    // Streamed and on workers too: the context travels with the chunk.
    expect(names(await runEvaluation({ policy: [policy], resources: inputs, workers: 2, chunkSize: 1, streamAboveBytes: 0 }))).toEqual(['sttagged']);

    // The subscription as Subscriptions - Get returns it (no "type"), and as `az account list` prints it (a bare
    // GUID id, its display name in "name", the signed-in user): each is subscription() too, and no input problem.
    const { type: _type, ...get } = JSON.parse(readFileSync(join(dir, 'c-subscription.json'), 'utf8')) as Record<string, unknown>;
    const azAccountList = [
      { cloudName: 'AzureCloud', homeTenantId: '00000000-0000-0000-0000-0000000000aa', id: sub, isDefault: true, managedByTenants: [], name: 'sub-landingzone-prod', state: 'Enabled', tenantId: '00000000-0000-0000-0000-0000000000aa', user: { name: 'someone@contoso.example', type: 'user' } },
    ];
    for (const doc of [get, azAccountList]) {
      writeFileSync(join(dir, 'c-subscription.json'), JSON.stringify(doc));
      for (const streamAboveBytes of [undefined, 0]) {
        const r = await runEvaluation({ policy: [policy], resources: inputs, ...(streamAboveBytes === 0 ? { streamAboveBytes } : {}) });
        expect(r.problems).toEqual([]);
        expect(names(r)).toEqual(['sttagged']);
        expect(JSON.stringify(r)).not.toContain('someone@contoso.example');
      }
    }
  });
});

describe('passes over the input', () => {
  it('reads it once when no rule needs existence-check documents or containers, twice when one calls resourceGroup()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zt-engine-passes-'));
    const sub = '7d3f2c1a-5b6e-4f80-9a1b-2c3d4e5f6a7b';
    const docs: JsonObject[] = [
      { id: `/subscriptions/${sub}/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/sta`, name: 'sta', type: 'Microsoft.Storage/storageAccounts', location: 'westeurope', properties: { minimumTlsVersion: 'TLS1_0' } },
      { id: `/subscriptions/${sub}/resourceGroups/rg-a`, name: 'rg-a', type: 'Microsoft.Resources/resourceGroups', location: 'westeurope', tags: { env: 'prod' }, properties: {} },
    ];
    const calls = { entries: 0, ofTypes: 0 };
    const source: ResourceSource = {
      async *entries() {
        calls.entries++;
        for (const [i, d] of docs.entries()) yield { resource: d, file: 'memory', jsonPath: `$[${i}]` };
      },
      async *ofTypes(types) {
        calls.ofTypes++;
        for (const [i, d] of docs.entries()) if (!types || types.has(String(d.type).toLowerCase())) yield { resource: d, file: 'memory', jsonPath: `$[${i}]` };
      },
    };
    const policy = (name: string, extra: object[]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify({ name, properties: { mode: 'All', policyRule: { if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' }, ...extra] }, then: { effect: 'deny' } } } }));
      return file;
    };
    const denied = (r: EvaluateReport) => r.policies[0]!.members[0]!.findings.map((f) => f.resourceId.split('/').pop());

    const plain = await runEvaluation({ policy: [policy('tls', [])], source });
    expect(denied(plain)).toEqual(['sta']);
    expect(calls).toEqual({ entries: 1, ofTypes: 0 });

    calls.entries = calls.ofTypes = 0;
    const tagged = await runEvaluation({ policy: [policy('tls-prod', [{ value: "[resourceGroup().tags['env']]", equals: 'prod' }])], source });
    expect(denied(tagged)).toEqual(['sta']); // the group's tag is only known from the first pass
    expect(calls).toEqual({ entries: 1, ofTypes: 1 });
  });
});

describe('workerRunner', () => {
  it('a worker that dies while starting fails the evaluation with its error instead of leaving it unanswered', async () => {
    // members: null makes the worker throw as it starts (ChunkEvaluator maps over the members).
    const runner = workerRunner({ members: null } as unknown as ChunkSetup, 1);
    try {
      await expect(runner.run([])).rejects.toThrow(/members|null/);
      // Later chunks fail at once too (before: they were posted to the dead worker and never answered).
      await expect(runner.run([])).rejects.toThrow();
    } finally {
      await runner.close();
    }
  }, 30_000);
});
