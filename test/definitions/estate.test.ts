/**
 * The umbrella initiative on a realistic estate (issue 7, "done when"): `ztpolicy evaluate --policy
 * generated/policySetDefinitions/zt-zero-trust.json --resources <estate>` through the CLI's entry point, in-process,
 * on test/fixtures/exports/zero-trust-estate/ (a hub and six application spokes, 300+ GET-shaped documents of every
 * unit). Per control, the resources acted on and how must be exactly what the estate's generator planted
 * (expected.json, recorded where each finding is planted from the catalog's intent, make-zero-trust-estate.ts):
 * a finding on a hardened resource fails, and so does a planted finding that is not reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvaluateReport, Outcome } from '../../src/cli/handlers/evaluate.js';
import { main } from '../../src/cli/main.js';
import { renderMarkdown, renderText } from '../../src/estate/render.js';
import catalog from '../../src/catalog/zero-trust-controls.js';
import { CONNECTIVITY, LANDING_ZONE, expectedJson, makeEstate, publishedPricings } from '../fixtures/exports/make-zero-trust-estate.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'test/fixtures/exports/zero-trust-estate');
const read = <T>(name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
type Expected = Record<string, Record<string, Outcome[]>>;

let report: EvaluateReport;
let code: number;
beforeAll(async () => {
  let stdout = '';
  code = await main(
    ['evaluate', '--policy', join(repoRoot, 'generated/policySetDefinitions/zt-zero-trust.json'), '--resources', join(dir, 'resources.json'), '--parameters', join(dir, 'parameters.json'), '--json'],
    { stdout: (t) => void (stdout += t), stderr: () => undefined },
  );
  report = JSON.parse(stdout) as EvaluateReport;
}, 120_000);

/** control id -> resource id -> outcomes, from the report (reference ids start with the control id, e.g. zt-stg-02-...). */
function findingsByControl(r: EvaluateReport): Expected {
  const out: Record<string, Record<string, Set<Outcome>>> = {};
  for (const m of r.policies.flatMap((p) => p.members)) {
    const id = /^zt-([a-z]+)-(\d+)/.exec(m.referenceId ?? '');
    if (!id) throw new Error(`member ${m.referenceId} does not name its control`);
    const control = `ZT-${id[1]!.toUpperCase()}-${id[2]}`;
    for (const f of m.findings) ((out[control] ??= {})[f.resourceId] ??= new Set()).add(f.outcome);
  }
  return Object.fromEntries(Object.entries(out).map(([c, byId]) => [c, Object.fromEntries(Object.entries(byId).map(([id, s]) => [id, [...s].sort()]))]));
}

describe('the Zero Trust umbrella on a realistic estate', () => {
  it('is the committed output of its generator (reproducible, and on the Defender plans the publisher writes today)', () => {
    const estate = makeEstate({ pricings: publishedPricings() });
    expect(estate.resources).toEqual(read('resources.json'));
    expect(expectedJson(estate.expected)).toEqual(read<Expected>('expected.json'));
  });

  it('covers every unit with at least 200 resources', () => {
    const resources = read<Array<{ type: string }>>('resources.json');
    expect(resources.length).toBeGreaterThanOrEqual(200);
    const types = new Set(resources.map((r) => r.type.toLowerCase()));
    for (const t of [
      'microsoft.storage/storageaccounts', 'microsoft.storage/storageaccounts/blobservices', 'microsoft.storage/storageaccounts/fileservices',
      'microsoft.compute/virtualmachines', 'microsoft.compute/virtualmachines/extensions', 'microsoft.compute/disks', 'microsoft.network/networkinterfaces',
      'microsoft.network/networksecuritygroups', 'microsoft.network/networksecuritygroups/securityrules', 'microsoft.network/virtualnetworks',
      'microsoft.network/virtualnetworks/subnets', 'microsoft.network/routetables', 'microsoft.network/azurefirewalls', 'microsoft.network/firewallpolicies',
      'microsoft.network/firewallpolicies/rulecollectiongroups', 'microsoft.network/publicipaddresses', 'microsoft.network/bastionhosts',
      'microsoft.keyvault/vaults', 'microsoft.resources/subscriptions', 'microsoft.security/pricings',
    ]) expect(types, t).toContain(t);
  });

  it('runs without input problems and exits 1 (resources would be denied)', () => {
    expect(report.problems).toEqual([]);
    expect(report.summary.errors).toBe(0);
    expect(code).toBe(1);
  });

  it('reports, per control, exactly the planted findings', () => {
    expect(findingsByControl(report)).toEqual(read<Expected>('expected.json'));
  });

  it('plants a finding for every catalog control the umbrella enforces by default', () => {
    const planted = new Set(Object.keys(read<Expected>('expected.json')));
    // ZT-MDC-07/08 (Containers, App Service) are Disabled unless configured (§5.2): nothing to find by default.
    const enforced = catalog.controls.filter((c) => !['ZT-MDC-07', 'ZT-MDC-08'].includes(c.id)).map((c) => c.id);
    expect(enforced).toHaveLength(67);
    expect(enforced.filter((id) => !planted.has(id))).toEqual([]);
  });

  it('labels an auditIfNotExists finding whose related resource exists but fails the existence condition as such, not as missing', () => {
    // The estate keeps every VM's Defender assessments and plants Unhealthy ones (make-zero-trust-estate.ts, unhealthy()).
    const unhealthy = read<Array<{ id: string; type: string; properties?: { status?: { code?: string } } }>>('resources.json')
      .filter((r) => r.type === 'Microsoft.Security/assessments' && r.properties?.status?.code === 'Unhealthy')
      .map((r) => r.id.split('/providers/Microsoft.Security/')[0]!.toLowerCase());
    const finding = report.policies.flatMap((p) => p.members.flatMap((m) => m.findings)).find((f) => f.outcome === 'auditIfNotExists' && unhealthy.includes(f.resourceId.toLowerCase()));
    expect(finding).toBeDefined();
    const text = renderText(report).split('\n');
    const line = text.find((l) => l.trim().endsWith(finding!.resourceId) && l.includes('audit ('));
    expect(line).toMatch(/^\s+audit \(no compliant related resource\) \/subscriptions\//);
    expect(text.some((l) => /missing related/.test(l))).toBe(false);
    expect(renderMarkdown(report)).toContain(`, ${report.summary.auditIfNotExists} audited (no compliant related resource).`);
  });

  it('leaves the connectivity subscription, Defender plans as published, without a Defender or monitoring finding', () => {
    const subscriptionFindings = report.policies.flatMap((p) => p.members.flatMap((m) => m.findings)).filter((f) => /^\/subscriptions\/[^/]+$/.test(f.resourceId));
    expect([...new Set(subscriptionFindings.map((f) => f.resourceId))]).toEqual([`/subscriptions/${LANDING_ZONE}`]);
    expect(subscriptionFindings.some((f) => f.resourceId.includes(CONNECTIVITY))).toBe(false);
  });
});
