/**
 * The preview engine on the realistic export (test/fixtures/exports/estate) with the generated initiatives:
 * worker threads and the streaming reader give the same report, findings in input order, as the main thread
 * reading whole files; the findings cap keeps counts complete; --compare-effect flips only effects whose
 * parameter allows it; the JSON writer writes exactly what JSON.stringify would.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/cli/handlers/evaluate.js';
import type { EvaluateReport } from '../../src/estate/engine.js';
import { renderMarkdown, writeJson } from '../../src/estate/render.js';
import { repoRoot } from '../helpers/cli.js';

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
});
