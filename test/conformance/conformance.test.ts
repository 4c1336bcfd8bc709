/**
 * Runs the public Azure Policy conformance suite (../shared/conformance, regorus cases) through ztpolicy's
 * evaluator: one test per case, a listed deviation must fail (and says why in deviations.yaml), everything
 * else must pass, and the overall pass rate must stay >= 98%. The totals are printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../helpers/cli.js';
import { loadConformanceCases, type Outcome } from './runner.js';

interface Deviation {
  case: string;
  reason: string;
  follows: string;
}

const deviations = parseYaml(readFileSync(join(repoRoot, 'test', 'conformance', 'deviations.yaml'), 'utf8')) as Deviation[];
const deviationIds = new Map(deviations.map((d) => [d.case, d]));
const cases = loadConformanceCases();
const outcomes = new Map<string, Outcome>();

function outcomeOf(id: string, run: () => Outcome): Outcome {
  let o = outcomes.get(id);
  if (!o) {
    try {
      o = run();
    } catch (e) {
      o = { pass: false, reason: `crashed: ${(e as Error).stack ?? String(e)}` };
    }
    outcomes.set(id, o);
  }
  return o;
}

describe('conformance suite (../shared/conformance)', () => {
  it('loads the whole suite (an empty or partial load would make every per-case check vacuous)', () => {
    // ../shared/conformance/README.md lists ~700 rule-semantics cases; builtins and normalization must not be empty.
    expect(cases.filter((c) => c.suite === 'azure_policy').length).toBeGreaterThan(600);
    for (const suite of ['builtins', 'normalization'] as const) expect(cases.filter((c) => c.suite === suite).length, suite).toBeGreaterThan(20);
  });

  it('deviations.yaml is well-formed and names existing cases', () => {
    const ids = new Set(cases.map((c) => c.id));
    for (const d of deviations) {
      expect(typeof d.reason === 'string' && d.reason.length > 20, `${d.case}: reason`).toBe(true);
      expect(typeof d.follows === 'string' && d.follows.length > 5, `${d.case}: follows`).toBe(true);
      expect(ids.has(d.case), `${d.case} is not a case of the suite`).toBe(true);
    }
  });

  for (const suite of ['azure_policy', 'builtins', 'normalization'] as const) {
    describe(suite, () => {
      for (const c of cases.filter((x) => x.suite === suite)) {
        const deviation = deviationIds.get(c.id);
        it(c.id, () => {
          const o = outcomeOf(c.id, c.run);
          if (deviation) {
            expect(o.pass, `${c.id} is listed in deviations.yaml but now passes: remove it from the list`).toBe(false);
          } else {
            expect(o.pass, `${c.id}: ${o.reason}`).toBe(true);
          }
        });
      }
    });
  }

  it('passes at least 98% of the suite', () => {
    for (const c of cases) outcomeOf(c.id, c.run);
    const passed = cases.filter((c) => outcomes.get(c.id)?.pass).length;
    const pct = (100 * passed) / cases.length;
    const bySuite = (['azure_policy', 'builtins', 'normalization'] as const)
      .map((s) => {
        const list = cases.filter((c) => c.suite === s);
        return `${s} ${list.filter((c) => outcomes.get(c.id)?.pass).length}/${list.length}`;
      })
      .join(', ');
    const viaError = cases.filter((c) => outcomes.get(c.id)?.viaError);
    console.log(
      `conformance: ${passed}/${cases.length} cases pass (${pct.toFixed(2)}%) [${bySuite}]; ${deviations.length} documented deviations; ` +
        `${viaError.length} pass through Azure's implicit deny on an evaluation error (${viaError.map((c) => c.id.split('#')[1]).join(', ')})`,
    );
    expect(pct).toBeGreaterThanOrEqual(98);
  });
});

afterAll(() => {
  outcomes.clear();
});
