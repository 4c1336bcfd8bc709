/**
 * The acceptance test of `ztpolicy import` (issue 9): every Azure Landing Zones policy definition and initiative
 * in ../shared/azure/alz is imported into a scratch project, the generated sources are loaded and compiled
 * in-process, and each result is compared with its source semantically (src/import/compare.ts). What does not
 * round-trip is pinned, with why, in alz-roundtrip.known.json: a change in that set fails the test, so a fix or
 * a regression is a reviewed edit of that file. Compile errors the compiler reports on the imported content
 * itself (e.g. ZT6010, an initiative parameter wider than its member's) are pinned there too.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typecheckSources } from '../../src/io/typecheck.js';
import { repoRoot } from '../helpers/cli.js';
import { alzGroups, roundTrip, scratchProject, type RoundTripResult } from './roundtrip.js';

interface Known {
  notRoundTripping: Record<string, string>;
  compileErrors: Record<string, string[]>;
}
const KNOWN_FILE = join(repoRoot, 'test', 'import', 'alz-roundtrip.known.json');
const known = JSON.parse(readFileSync(KNOWN_FILE, 'utf8')) as Known;

describe('ztpolicy import: round trip of the Azure Landing Zones library', () => {
  const results = new Map<string, RoundTripResult>();

  it('imports every definition and initiative, compiles it back and finds it equivalent (or pinned with why)', async () => {
    const started = performance.now();
    const dirs = new Map<string, string>();
    const found: Known = { notRoundTripping: {}, compileErrors: {} };
    const totals = { definition: { all: 0, equivalent: 0 }, initiative: { all: 0, equivalent: 0 } };
    for (const g of alzGroups()) {
      const dir = g.into ? dirs.get(g.into)! : scratchProject();
      dirs.set(g.label, dir);
      const r = await roundTrip(g.inputs, dir, g.unit);
      results.set(g.label, r);
      expect(r.plan.problems, g.label).toEqual([]);
      for (const s of r.plan.sources) totals[s.kind].all++;
      for (const n of r.plan.notImported) found.notRoundTripping[`${g.label}/${n.kind}/${n.name}`] = `not imported: ${n.reason} (at ${n.jsonPath})`;
      for (const [key, o] of r.outcomes) {
        const id = `${g.label}/${key.replace(':', '/')}`;
        const diffs = o.problems.filter((p) => !p.startsWith('compile error'));
        const codes = [...new Set(o.problems.filter((p) => p.startsWith('compile error')).map((p) => p.split(' ')[2]!))].sort();
        if (diffs.length > 0) found.notRoundTripping[id] = `differs: ${diffs.join('; ')}`;
        else totals[o.kind].equivalent++;
        if (codes.length > 0) found.compileErrors[id] = codes;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `ALZ round trip: definitions ${totals.definition.equivalent}/${totals.definition.all} equivalent, ` +
        `initiatives ${totals.initiative.equivalent}/${totals.initiative.all}; ${Object.keys(found.compileErrors).length} with compile findings; ${seconds.toFixed(1)} s`,
    );
    // ZTPOLICY_UPDATE_KNOWN=1 rewrites the pinned list (then review its diff like any other change).
    if (process.env['ZTPOLICY_UPDATE_KNOWN'] === '1') writeFileSync(KNOWN_FILE, `${JSON.stringify(found, null, 2)}\n`);
    expect(found.notRoundTripping).toEqual(known.notRoundTripping);
    expect(found.compileErrors).toEqual(known.compileErrors);
    // Issue 9's bar: at least 95 % of the library's definitions round-trip.
    expect(totals.definition.equivalent / totals.definition.all).toBeGreaterThanOrEqual(0.95);
    expect(totals.definition.all).toBe(463);
    expect(totals.initiative.all).toBe(118);
  }, 300_000);

  it('generates sources that type-check (a sample covering every effect family, fieldsOf, count and built-in members)', () => {
    // tsc over all 581 files takes minutes on a shared CPU; this sample covers each construct the generator writes.
    const sample: Array<[string, string]> = [
      ['alz-library/alz', 'Deny-Sql-minTLS'], // deny + param.effect + parameter reference in a target
      ['alz-library/alz', 'Deploy-Diagnostics-APIMgmt'], // deployIfNotExists + existenceCondition + roles
      ['alz-library/alz', 'Append-KV-SoftDelete'], // append
      ['alz-library/alz', 'Modify-UDR'], // modify
      ['alz-library/alz', 'DenyAction-DeleteResources'], // denyAction
      ['alz-library/alz', 'Deny-Subnet-Without-Nsg'], // fieldsOf (child type)
      ['alz-library/alz', 'Deny-MgmtPorts-From-Internet'], // count with where, current()
      ['alz-library/alz', 'Audit-PrivateLinkDnsZones'], // auditIfNotExists
      ['alz-library/alz', 'Enforce-Backup'], // initiative with built-in members
      ['alz-library/alz', 'Enforce-Guardrails-OpenAI'], // initiative with custom and built-in members
    ];
    const files = sample.map(([group, name]) => {
      const f = results.get(group)?.plan.files.find((x) => x.name === name);
      expect(f, `${group}/${name} was generated`).toBeDefined();
      return f!.path;
    });
    const started = performance.now();
    const tc = typecheckSources(repoRoot, files);
    console.info(`type check of ${files.length} generated sources: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(tc.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
    for (const r of results.values()) rmSync(r.dir, { recursive: true, force: true });
  }, 120_000);
});
