/**
 * Evaluation speed against the cost of reading the same data (issue 3, "Speed"): a deterministic synthetic
 * estate of 100,000 resources is serialised to one JSON string; the benchmark times `JSON.parse` of it, then
 * evaluating every resource against every generated definition plus the built-ins the initiatives reference
 * (compiled once, indexed by resource type), and prints the ratio evaluation / parse. Goal: <= 2x.
 *
 * Definitions come from generated/ when it is built, otherwise they are compiled from definitions/ (and the
 * built-ins are collected from initiatives/). BENCH_RESOURCES=20000 runs a smaller set.
 * Profile: node --cpu-prof --import tsx test/bench/run.ts evaluate
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getBuiltinDefinitionJson } from '../../src/catalog/builtins.js';
import { compileControl, isControl } from '../../src/compiler/compile-control.js';
import * as evaluator from '../../src/evaluator/index.js';
import type { PolicyDefinitionInput } from '../../src/evaluator/types.js';
import { repoRoot } from '../helpers/cli.js';
import { syntheticResourcesJson } from './synthetic-resources.js';

interface NamedDefinition {
  name: string;
  origin: 'generated' | 'definitions' | 'builtin';
  document: PolicyDefinitionInput;
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(full));
    else if (e.name.endsWith('.json')) out.push(full);
  }
  return out.sort();
}

function collectBuiltinGuids(value: unknown, into: Set<string>, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const v = value as Record<string, unknown>;
  if (v.kind === 'builtin-policy' && typeof v.name === 'string') into.add(v.name);
  if (typeof v.policyDefinitionId === 'string') {
    const m = /^\/providers\/Microsoft\.Authorization\/policyDefinitions\/([^/]+)$/i.exec(v.policyDefinitionId);
    if (m?.[1]) into.add(m[1]);
  }
  for (const x of Array.isArray(value) ? value : Object.values(v)) collectBuiltinGuids(x, into, seen);
}

async function loadDefinitions(): Promise<{ definitions: NamedDefinition[]; source: string }> {
  const generated = join(repoRoot, 'generated');
  const definitions: NamedDefinition[] = [];
  const builtins = new Set<string>();
  let source: string;
  const genDefs = jsonFiles(join(generated, 'policyDefinitions'));
  if (genDefs.length > 0) {
    source = 'generated/';
    for (const f of genDefs) {
      const doc = JSON.parse(readFileSync(f, 'utf8')) as PolicyDefinitionInput;
      definitions.push({ name: String(doc.name), origin: 'generated', document: doc });
    }
    for (const f of jsonFiles(join(generated, 'policySetDefinitions'))) collectBuiltinGuids(JSON.parse(readFileSync(f, 'utf8')), builtins);
  } else {
    source = 'definitions/ (compiled; generated/ is not built)';
    for (const f of readdirSync(join(repoRoot, 'definitions'), { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.ts')).sort()) {
      const mod = (await import(pathToFileURL(join(repoRoot, 'definitions', f)).href)) as { default: unknown };
      if (!isControl(mod.default)) continue;
      const { document } = compileControl(mod.default);
      definitions.push({ name: document.name, origin: 'definitions', document: document as unknown as PolicyDefinitionInput });
    }
    const initDir = join(repoRoot, 'initiatives');
    if (existsSync(initDir)) {
      for (const f of readdirSync(initDir).filter((x) => x.endsWith('.ts')).sort()) {
        try {
          const mod = (await import(pathToFileURL(join(initDir, f)).href)) as { default: unknown };
          collectBuiltinGuids(mod.default, builtins);
        } catch (error) {
          process.stdout.write(`  (initiative ${f} not loadable: ${(error as Error).message})\n`);
        }
      }
    }
  }
  for (const guid of [...builtins].sort()) {
    const doc = getBuiltinDefinitionJson(guid);
    if (doc) definitions.push({ name: guid, origin: 'builtin', document: doc as unknown as PolicyDefinitionInput });
  }
  return { definitions, source };
}

function ms(n: number): string {
  return `${n.toFixed(0)} ms`;
}

export default async function bench(): Promise<void> {
  const count = Number(process.env.BENCH_RESOURCES ?? 100_000);
  let t = performance.now();
  const text = syntheticResourcesJson(count);
  process.stdout.write(`synthetic estate: ${count} resources, ${(text.length / 1e6).toFixed(1)} MB JSON (generated in ${ms(performance.now() - t)}, not timed)\n`);

  // Baseline: JSON.parse of the same text, best of 3 (the first run also warms the parser).
  let parseMs = Infinity;
  let resources: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    resources = JSON.parse(text) as unknown[];
    parseMs = Math.min(parseMs, performance.now() - t);
  }

  const { definitions, source } = await loadDefinitions();
  const custom = definitions.filter((d) => d.origin !== 'builtin').length;
  process.stdout.write(`policies: ${custom} custom from ${source} + ${definitions.length - custom} built-ins referenced by the initiatives\n`);

  t = performance.now();
  const engine = buildEngine(definitions);
  const compileMs = performance.now() - t;

  // Warm-up on a slice so the JIT has seen every rule, then the timed full pass.
  engine.run(resources.slice(0, Math.min(2000, resources.length)));
  t = performance.now();
  const tally = engine.run(resources);
  const evalMs = performance.now() - t;

  const pairs = tally.pairs;
  process.stdout.write(
    [
      `JSON.parse:          ${ms(parseMs)} (${((parseMs * 1000) / count).toFixed(2)} us/resource)`,
      `compile + index:     ${ms(compileMs)} (${definitions.length} definitions, once)`,
      `evaluate:            ${ms(evalMs)} (${((evalMs * 1000) / count).toFixed(2)} us/resource; ${pairs} applicable policy x resource evaluations, ${((evalMs * 1e6) / Math.max(1, pairs)).toFixed(0)} ns each)`,
      `ratio evaluate/parse: ${(evalMs / parseMs).toFixed(2)}x (goal <= 2x) ${evalMs / parseMs <= 2 ? 'OK' : 'OVER GOAL'}`,
      `effects: ${Object.entries(tally.effects)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}${tally.errors ? `; ${tally.errors} evaluation errors` : ''}`,
      '',
    ].join('\n'),
  );
}

interface Engine {
  run(resources: unknown[]): { pairs: number; effects: Record<string, number>; errors: number };
}

/**
 * Uses the evaluator's compiled/indexed API (compile each rule once to a closure, index policies by resource
 * type) when it is exported, else falls back to evaluatePolicy per pair so the benchmark still prints figures.
 */
function buildEngine(definitions: NamedDefinition[]): Engine {
  const api = evaluator as unknown as Record<string, unknown>;
  const noRelated = () => [];
  if (typeof api.compilePolicy === 'function' && typeof api.createPolicyIndex === 'function') {
    const compilePolicy = api.compilePolicy as (d: PolicyDefinitionInput, o?: unknown) => unknown;
    const createPolicyIndex = api.createPolicyIndex as (p: unknown[]) => { evaluateAll(r: unknown, o?: unknown): Array<{ effect?: string; error?: unknown }> };
    const index = createPolicyIndex(definitions.map((d) => compilePolicy(d.document, { trace: false })));
    return {
      run(resources) {
        const effects: Record<string, number> = {};
        let pairs = 0;
        let errors = 0;
        for (const r of resources) {
          const results = index.evaluateAll(r, { related: noRelated });
          pairs += results.length;
          for (const res of results) {
            if (res.error) errors++;
            if (res.effect) effects[res.effect] = (effects[res.effect] ?? 0) + 1;
          }
        }
        return { pairs, effects, errors };
      },
    };
  }
  process.stdout.write('  (evaluator has no compilePolicy/createPolicyIndex export yet: timing evaluatePolicy per pair)\n');
  return {
    run(resources) {
      const effects: Record<string, number> = {};
      let pairs = 0;
      let errors = 0;
      for (const r of resources) {
        for (const d of definitions) {
          const res = evaluator.evaluatePolicy({ definition: d.document, resource: r, related: noRelated, options: { trace: false } });
          if (!res.applicable) continue;
          pairs++;
          if (res.error) errors++;
          if (res.effect) effects[res.effect] = (effects[res.effect] ?? 0) + 1;
        }
      }
      return { pairs, effects, errors };
    },
  };
}
