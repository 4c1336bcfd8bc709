/**
 * Our own runner for the public Azure Policy conformance cases in ../shared/conformance (regorus test data,
 * MIT; format in its README). It turns every case into { id, run(): outcome } so conformance.test.ts can
 * register one vitest test per case and print the totals.
 *
 * Mapping of expectations to the ztpolicy API:
 * - want_effect X: the effect that applies, compared with `effectAsWritten` (the rule's spelling); an
 *   evaluation error counts as "deny" (Azure's implicit deny). want_effect null / want_undefined: no effect.
 * - want_details: every key the case lists must equal ours (we add keys such as conflictEffect and
 *   existenceCheck, which the cases do not mention).
 * - want_parse_error / want_compile_error: compiling or evaluating throws a ZtError with a code.
 * - host_await: the answers of our `related` callback, one per lookup, in order.
 * - builtins: the function is called through the evaluator's own call path; want_undefined and want_error
 *   both mean "the function fails" for us (regorus propagates undefined where Azure fails the evaluation).
 * - normalization: regorus stores a normalized copy of the resource; we read the ARM document directly, so a
 *   case checks that every field of `expected_normalized` reads the same value from `input` through our field
 *   resolution (case-insensitive keys, `properties` fallback for alias-less names).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { evaluateTemplateFunction } from '../../src/evaluator/template-calls.js';
import { evaluatePolicy } from '../../src/evaluator/index.js';
import type { EvaluateInput, EvaluationResult, RelatedLookup } from '../../src/evaluator/types.js';
import { ZtError } from '../../src/errors.js';
import { repoRoot } from '../helpers/cli.js';

export const sharedConformance = join(repoRoot, '..', 'shared', 'conformance', 'regorus', 'tests');

export interface Outcome {
  pass: boolean;
  /** What went wrong (or, for a pass, nothing). */
  reason: string;
  /** Passed because an evaluation error is Azure's implicit deny (not because the condition matched). */
  viaError?: boolean;
}

export interface ConformanceCase {
  /** <suite>/<file>#<note> */
  id: string;
  suite: 'azure_policy' | 'builtins' | 'normalization';
  run(): Outcome;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 300 ? s.slice(0, 297) + '...' : s;
}

/** Deep subset: every key in `want` must be in `got` with a matching value; arrays match element-wise. */
export function subsetMatch(want: unknown, got: unknown, path = '$'): string | undefined {
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return `${path}: want array, got ${show(got)}`;
    if (want.length !== got.length) return `${path}: want ${want.length} items, got ${got.length}: ${show(got)}`;
    for (let i = 0; i < want.length; i++) {
      const m = subsetMatch(want[i], got[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (isObj(want)) {
    if (!isObj(got)) return `${path}: want object, got ${show(got)}`;
    for (const [k, v] of Object.entries(want)) {
      const m = subsetMatch(v, got[k], `${path}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return JSON.stringify(want) === JSON.stringify(got) ? undefined : `${path}: want ${show(want)}, got ${show(got)}`;
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqualJson(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqualJson(a[k], b[k]));
  }
  return false;
}

const aliasCache = new Map<string, unknown>();
function loadAliases(name: string): unknown {
  let v = aliasCache.get(name);
  if (v === undefined) {
    v = JSON.parse(readFileSync(join(sharedConformance, 'azure_policy', 'aliases', name), 'utf8')) as unknown;
    aliasCache.set(name, v);
  }
  return v;
}

function relatedFrom(hostAwait: unknown): RelatedLookup | undefined {
  if (!Array.isArray(hostAwait)) return undefined;
  const queue = [...hostAwait];
  let last: unknown = null;
  return () => {
    const entry = queue.length ? queue.shift() : { response: last };
    const response = isObj(entry) ? entry['response'] : null;
    last = response;
    if (response === null || response === undefined) return [];
    return Array.isArray(response) ? response : [response];
  };
}

function policyCase(file: string, fileDoc: Obj, c: Obj): Outcome {
  const ruleText = (c['policy_rule'] ?? fileDoc['policy_rule']) as string | undefined;
  const defText = (c['policy_definition'] ?? fileDoc['policy_definition']) as string | undefined;
  const wantsError = c['want_parse_error'] === true || c['want_compile_error'] === true;
  let input: EvaluateInput;
  try {
    const parsed = JSON.parse((ruleText ?? defText ?? 'null') as string) as unknown;
    const aliasesName = (c['aliases'] ?? fileDoc['aliases']) as string | undefined;
    input = {
      ...(ruleText !== undefined ? { policyRule: parsed } : { definition: parsed as EvaluateInput['definition'] }),
      resource: c['resource'] ?? {},
      ...(isObj(c['parameters']) ? { parameters: c['parameters'] } : {}),
      ...(aliasesName ? { aliases: loadAliases(aliasesName) as unknown[] } : {}),
      ...(typeof c['api_version'] === 'string' ? { apiVersion: c['api_version'] } : {}),
      ...(isObj(c['context']) ? { context: c['context'] as EvaluateInput['context'] } : {}),
      ...(isObj(c['request_context']) ? { requestContext: c['request_context'] } : {}),
      ...(relatedFrom(c['host_await']) ? { related: relatedFrom(c['host_await'])! } : {}),
      // The suite ships its own alias catalog; keep the vendored one out so results depend on the case only.
      options: { bundledAliases: false },
    };
    if (input.definition === null && input.policyRule === undefined) input = { ...input, definition: undefined as never };
  } catch (e) {
    return wantsError ? { pass: true, reason: '' } : { pass: false, reason: `case JSON does not parse: ${(e as Error).message}` };
  }
  let result: EvaluationResult;
  try {
    result = evaluatePolicy(input);
  } catch (e) {
    if (wantsError) {
      return e instanceof ZtError ? { pass: true, reason: '' } : { pass: false, reason: `threw a non-ZtError: ${String(e)}` };
    }
    return { pass: false, reason: `threw ${e instanceof ZtError ? `${e.code} ` : ''}${(e as Error).message}` };
  }
  if (wantsError) return { pass: false, reason: `expected a parse/compile error, got effect ${show(result.effect)}` };
  const actual = result.error ? 'deny' : result.effect === undefined ? undefined : result.effectAsWritten;
  const why = result.error ? ` (error ${result.error.code}: ${result.error.message})` : '';
  const wantUndefined = c['want_undefined'] === true || ('want_effect' in c && c['want_effect'] === null);
  if (wantUndefined) {
    if (actual !== undefined) return { pass: false, reason: `want no effect, got ${actual}${why}` };
  } else if (typeof c['want_effect'] === 'string') {
    const want = c['want_effect'];
    const ok = result.error ? want.toLowerCase() === 'deny' : actual === want;
    if (!ok) return { pass: false, reason: `want effect ${want}, got ${show(actual)}${why}` };
  } else if (!('want_details' in c)) {
    return { pass: false, reason: 'case has no expectation' };
  }
  if ('want_details' in c) {
    const m = subsetMatch(c['want_details'], result.details);
    if (m) return { pass: false, reason: `details ${m}` };
  }
  return result.error ? { pass: true, reason: `implicit deny: ${result.error.message}`, viaError: true } : { pass: true, reason: '' };
}

/** Maps a regorus builtin id to our function name. */
function builtinName(id: string): string {
  const special: Record<string, string> = {
    'azure.policy.fn.int_div': 'div',
    'azure.policy.fn.int_mod': 'mod',
    'azure.policy.logic_all': 'and',
    'azure.policy.logic_any': 'or',
    'azure.policy.if': 'if',
  };
  if (special[id]) return special[id];
  const last = id.replace(/^azure\.policy\.(fn\.)?/, '');
  return last.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

type Call = { ok: true; value: unknown } | { ok: false; error: string };

function callBuiltin(id: string, args: unknown[]): Call {
  try {
    if (id === 'azure.policy.get_parameter') return { ok: true, value: viaPolicyParameter(args) };
    if (id === 'azure.policy.resolve_field') return { ok: true, value: viaPolicyField(args) };
    return { ok: true, value: evaluateTemplateFunction(builtinName(id), args) };
  } catch (e) {
    if (e instanceof ZtError) return { ok: false, error: e.message };
    throw e;
  }
}

/** parameters(name) with assignment values args[0] and declared defaults args[1]. */
function viaPolicyParameter(args: unknown[]): unknown {
  const [values, defaults, name] = args as [Obj, Obj, string];
  const declared: Obj = {};
  for (const [k, v] of Object.entries(defaults)) declared[k] = { type: typeOfValue(v), defaultValue: v };
  for (const [k, v] of Object.entries(values)) if (!(k in declared)) declared[k] = { type: typeOfValue(v) };
  const r = evaluatePolicy({
    definition: {
      properties: {
        parameters: declared as never,
        policyRule: { if: { value: 'x', equals: 'x' }, then: { effect: 'audit', details: { v: `[parameters('${name.replace(/'/g, "''")}')]` } } },
      },
    },
    resource: {},
    parameters: values,
    options: { bundledAliases: false },
  });
  if (r.error) throw new ZtError(r.error.code, r.error.message);
  return (r.details as Obj)['v'];
}

function typeOfValue(v: unknown): string {
  return Array.isArray(v) ? 'Array' : isObj(v) ? 'Object' : typeof v === 'number' ? 'Integer' : typeof v === 'boolean' ? 'Boolean' : 'String';
}

/** field(path) on resource args[0]; a missing field reads as undefined (checked with exists). */
function viaPolicyField(args: unknown[]): unknown {
  const [resource, path] = args;
  if (typeof path !== 'string') throw new ZtError('ZT5101', 'field name must be a string');
  const r = evaluatePolicy({
    policyRule: { if: { value: 'x', equals: 'x' }, then: { effect: 'audit', details: { v: `[field('${path.replace(/'/g, "''")}')]` } } },
    resource,
    options: { bundledAliases: false },
  });
  const v = (r.details as Obj)['v'];
  if (v !== '') return v;
  // field() reads a missing value as "" (Learn); tell it from a present "" with exists.
  const exists = evaluatePolicy({ policyRule: { if: { field: path, exists: true }, then: { effect: 'audit' } }, resource, options: { bundledAliases: false } });
  return exists.effect === undefined ? undefined : v;
}

function builtinCase(id: string, c: Obj): Outcome {
  const args = (c['args'] ?? []) as unknown[];
  const r = callBuiltin(id, args);
  if ('want_error' in c) return r.ok ? { pass: false, reason: `want an error (${show(c['want_error'])}), got ${show(r.value)}` } : { pass: true, reason: '' };
  if (c['want_undefined'] === true) {
    return !r.ok || r.value === undefined ? { pass: true, reason: '' } : { pass: false, reason: `want undefined/failure, got ${show(r.value)}` };
  }
  if (!r.ok) return { pass: false, reason: `failed: ${r.error}` };
  if (c['want_null'] === true) return r.value === null ? { pass: true, reason: '' } : { pass: false, reason: `want null, got ${show(r.value)}` };
  return deepEqualJson(c['want'], r.value) ? { pass: true, reason: '' } : { pass: false, reason: `want ${show(c['want'])}, got ${show(r.value)}` };
}

/** Leaf paths of a normalized document (keys joined with '.'; arrays kept whole). */
function leaves(v: unknown, prefix: string, out: [string, unknown][]): void {
  if (isObj(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) {
      const seg = /^[A-Za-z0-9_$]+$/.test(k) ? k : `['${k.replace(/'/g, "''")}']`;
      leaves(x, prefix ? (seg.startsWith('[') ? `${prefix}${seg}` : `${prefix}.${seg}`) : seg, out);
    }
  } else out.push([prefix, v]);
}

function normalizationCase(c: Obj): Outcome {
  const input = c['input'];
  const expected = c['expected_normalized'];
  if (!isObj(expected)) return { pass: true, reason: '' }; // round-trip/envelope-only cases carry no field claims
  const list: [string, unknown][] = [];
  leaves(expected, '', list);
  for (const [path, want] of list) {
    if (!path) continue;
    const got = viaPolicyField([input, path]);
    const gotProps = got === undefined ? viaPolicyField([input, `properties.${path}`]) : got;
    if (!looseJsonEqual(want, gotProps)) return { pass: false, reason: `field ${path}: normalized ${show(want)}, we read ${show(gotProps)}` };
  }
  return { pass: true, reason: '' };
}

/** Normalization lower-cases keys; compare values with case-insensitive keys. */
function looseJsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => looseJsonEqual(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const bk = new Map(Object.keys(b).map((k) => [k.toLowerCase(), k]));
    return Object.keys(a).length === bk.size && Object.entries(a).every(([k, v]) => bk.has(k.toLowerCase()) && looseJsonEqual(v, b[bk.get(k.toLowerCase())!]));
  }
  return deepEqualJson(a, b);
}

/** Every case of the public suite, in a stable order. Throws when ../shared/conformance is missing. */
export function loadConformanceCases(): ConformanceCase[] {
  if (!existsSync(sharedConformance)) throw new Error(`conformance suite not found at ${sharedConformance} (CI lays ../shared next to the repo)`);
  const out: ConformanceCase[] = [];
  const seen = new Set<string>();
  const add = (suite: ConformanceCase['suite'], file: string, note: unknown, run: () => Outcome): void => {
    let id = `${relative(sharedConformance, file).replace(/\\/g, '/')}#${String(note)}`;
    for (let n = 2; seen.has(id); n++) id = `${id}~${n}`;
    seen.add(id);
    out.push({ id, suite, run });
  };
  for (const file of yamlFiles(join(sharedConformance, 'azure_policy', 'cases'))) {
    const doc = parseYaml(readFileSync(file, 'utf8')) as Obj;
    for (const c of (doc['cases'] ?? []) as Obj[]) {
      if (c['skip'] === true) continue;
      add('azure_policy', file, c['note'], () => policyCase(file, doc, c));
    }
  }
  for (const file of yamlFiles(join(sharedConformance, 'azure_policy_builtins', 'cases'))) {
    const doc = parseYaml(readFileSync(file, 'utf8')) as Obj;
    const id = String(doc['builtin']);
    for (const c of (doc['cases'] ?? []) as Obj[]) {
      if (c['skip'] === true) continue;
      add('builtins', file, c['note'], () => builtinCase(id, c));
    }
  }
  for (const file of yamlFiles(join(sharedConformance, 'azure_policy', 'normalization', 'cases'))) {
    const doc = parseYaml(readFileSync(file, 'utf8')) as Obj;
    for (const c of (doc['cases'] ?? []) as Obj[]) {
      if (c['skip'] === true) continue;
      add('normalization', file, c['note'], () => normalizationCase(c));
    }
  }
  return out;
}
