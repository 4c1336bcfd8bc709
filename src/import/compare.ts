/**
 * Semantic comparison of an imported policy with what its generated source compiles to: the round-trip test of
 * `ztpolicy import`. Equal means Azure reads both the same way; byte equality is not the bar, because the DSL
 * writes one canonical spelling of what Azure accepts in several:
 * - JSON property names of the rule (operators, allOf/anyOf, details keys) are case-insensitive: ARM reads
 *   them so (policy-semantics.md §3 "property names are case-insensitive"), and the ALZ library deploys
 *   `notequals`, `allof` and `ResourceGroupName` as they are.
 * - Template expressions are compared parsed (function names case-insensitive, whitespace ignored), alias
 *   names case-insensitively (aliases-and-arrays.md §1), effect names, modes, parameter types, deployment mode
 *   and role definition ids case-insensitively (policy-semantics.md §1, §2, §8).
 * - `exists` and `equals`/`notEquals` targets: a boolean equals its "true"/"false" string (policy-semantics.md
 *   §5 rule 2, `equals` compares as strings).
 * - Metadata: every key the source has must be kept with its value (the ones import drops on purpose, see
 *   DROPPED_METADATA, excepted); the compiler's own keys (ztpolicy) may be added.
 * - Member definitionVersion: when the source has none, the compiler's pin of a built-in to its catalog major
 *   version is accepted (ztpolicy pins built-ins on purpose, see compile-initiative.ts).
 * - Empty groupNames / policyDefinitionGroups equal absent ones.
 * Returns the differences as "JSON path: what differs"; empty when the two are equivalent.
 */
import { isExpression, parseExpression, type ExprNode } from '../evaluator/expression-parser.js';
import { definitionNameFromId, isBuiltinDefinitionId } from '../model.js';
import { DROPPED_METADATA } from './definition.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function exprKey(node: ExprNode): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'call': {
      const lower = node.name.toLowerCase();
      // parameters() and field() names are looked up case-insensitively (policy-semantics.md §2, aliases §1).
      const args = node.args.map((a, i) =>
        i === 0 && (lower === 'parameters' || lower === 'field') && a.kind === 'literal' && typeof a.value === 'string'
          ? JSON.stringify(a.value.toLowerCase())
          : exprKey(a),
      );
      return `${lower}(${args.join(',')})`;
    }
    case 'member':
      return `${exprKey(node.object)}.${node.property.toLowerCase()}`;
    case 'index':
      return `${exprKey(node.object)}[${exprKey(node.index)}]`;
  }
}

/** A string as Azure reads it: an expression by its parse tree, a literal as itself. */
function stringKey(s: string): string {
  if (!isExpression(s)) return `s:${s}`;
  try {
    return `e:${exprKey(parseExpression(s))}`;
  } catch {
    return `s:${s}`;
  }
}

const CASE_INSENSITIVE_VALUES = new Set(['field', 'effect', 'mode', 'type', 'conflicteffect', 'existencescope', 'deploymentscope']);
const BOOLEAN_STRING_OPERATORS = new Set(['exists', 'equals', 'notequals']);

function get(o: Obj, k: string): unknown {
  if (k in o) return o[k];
  const found = Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase());
  return found === undefined ? undefined : o[found];
}

/** Deep comparison of rule JSON with the equivalences above; `inTemplate` turns them off (ARM's own document). */
function compareRule(a: unknown, b: unknown, path: string, out: string[], keyName = '', inTemplate = false): void {
  if (out.length > 20) return;
  if (inTemplate && typeof a === 'string' && typeof b === 'string') {
    if (a !== b) out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
    return;
  }
  if (!inTemplate && typeof a === 'string' && typeof b === 'string') {
    const la = keyName.toLowerCase();
    if (CASE_INSENSITIVE_VALUES.has(la) || la === 'roledefinitionids' || la === 'field') {
      if (stringKey(a.toLowerCase()) === stringKey(b.toLowerCase()) || stringKey(a) === stringKey(b)) return;
    } else if (stringKey(a) === stringKey(b)) return;
    out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
    return;
  }
  if (!inTemplate && BOOLEAN_STRING_OPERATORS.has(keyName.toLowerCase()) && (typeof a === 'boolean' || typeof b === 'boolean')) {
    if (String(a).toLowerCase() === String(b).toLowerCase()) return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${path}: ${a.length} items != ${b.length} items`);
      return;
    }
    a.forEach((x, i) => compareRule(x, b[i], `${path}[${i}]`, out, keyName, inTemplate));
    return;
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Map<string, string>();
    for (const k of [...Object.keys(a), ...Object.keys(b)]) keys.set(inTemplate ? k : k.toLowerCase(), k);
    for (const [lk, k] of keys) {
      const x = inTemplate ? a[k] : get(a, lk);
      const y = inTemplate ? b[k] : get(b, lk);
      if (x === undefined && y === undefined) continue;
      if (x === undefined || y === undefined) {
        out.push(`${path}.${k}: ${x === undefined ? 'missing in the source' : 'missing after the round trip'}`);
        continue;
      }
      compareRule(x, y, `${path}.${k}`, out, k, inTemplate || lk === 'template');
    }
    return;
  }
  if (typeof a === 'string' || typeof b === 'string') {
    out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
    return;
  }
  if (a !== b) out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
}

function compareParameters(a: unknown, b: unknown, path: string, out: string[]): void {
  const pa = isObj(a) ? a : {};
  const pb = isObj(b) ? b : {};
  const names = new Set([...Object.keys(pa), ...Object.keys(pb)]);
  for (const n of names) {
    const x = pa[n];
    const y = pb[n];
    if (!isObj(x) || !isObj(y)) {
      out.push(`${path}.${n}: ${x === undefined ? 'missing in the source' : 'missing after the round trip'}`);
      continue;
    }
    if (String(x['type']).toLowerCase() !== String(y['type']).toLowerCase()) out.push(`${path}.${n}.type: ${String(x['type'])} != ${String(y['type'])}`);
    for (const k of ['defaultValue', 'allowedValues', 'schema', 'metadata']) {
      const u = x[k];
      const v = y[k];
      if (u === undefined && v === undefined) continue;
      if (JSON.stringify(sortKeys(u)) !== JSON.stringify(sortKeys(v))) out.push(`${path}.${n}.${k}: ${JSON.stringify(u)} != ${JSON.stringify(v)}`);
    }
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function compareMetadata(a: unknown, b: unknown, path: string, out: string[]): void {
  const ma = isObj(a) ? a : {};
  const mb = isObj(b) ? b : {};
  for (const [k, v] of Object.entries(ma)) {
    if (DROPPED_METADATA.includes(k)) continue;
    if (JSON.stringify(sortKeys(v)) !== JSON.stringify(sortKeys(mb[k]))) out.push(`${path}.${k}: ${JSON.stringify(v)} != ${JSON.stringify(mb[k])}`);
  }
}

function compareText(a: Obj, b: Obj, path: string, out: string[]): void {
  for (const k of ['displayName', 'description']) {
    if (a[k] !== undefined && a[k] !== b[k]) out.push(`${path}.${k}: ${JSON.stringify(a[k])} != ${JSON.stringify(b[k])}`);
  }
}

/** Differences between a source definition's properties and the compiled ones. */
export function compareDefinition(source: Obj, compiled: Obj): string[] {
  const out: string[] = [];
  const p = '$.properties';
  compareText(source, compiled, p, out);
  const modeA = typeof source['mode'] === 'string' ? source['mode'] : 'Indexed';
  if (modeA.toLowerCase() !== String(compiled['mode']).toLowerCase()) out.push(`${p}.mode: ${modeA} != ${String(compiled['mode'])}`);
  compareParameters(source['parameters'], compiled['parameters'], `${p}.parameters`, out);
  compareMetadata(source['metadata'], compiled['metadata'], `${p}.metadata`, out);
  compareRule(source['policyRule'], compiled['policyRule'], `${p}.policyRule`, out);
  return out;
}

/** Differences between a source initiative's properties and the compiled ones. */
export function compareInitiative(source: Obj, compiled: Obj): string[] {
  const out: string[] = [];
  const p = '$.properties';
  compareText(source, compiled, p, out);
  compareParameters(source['parameters'], compiled['parameters'], `${p}.parameters`, out);
  compareMetadata(source['metadata'], compiled['metadata'], `${p}.metadata`, out);
  const ga = source['policyDefinitionGroups'];
  const gb = compiled['policyDefinitionGroups'];
  if ((Array.isArray(ga) && ga.length > 0) || (Array.isArray(gb) && gb.length > 0)) {
    if (JSON.stringify(sortKeys(ga)) !== JSON.stringify(sortKeys(gb))) out.push(`${p}.policyDefinitionGroups differ`);
  }
  const ma = Array.isArray(source['policyDefinitions']) ? (source['policyDefinitions'] as Obj[]) : [];
  const mb = Array.isArray(compiled['policyDefinitions']) ? (compiled['policyDefinitions'] as Obj[]) : [];
  if (ma.length !== mb.length) out.push(`${p}.policyDefinitions: ${ma.length} members != ${mb.length}`);
  ma.forEach((x, i) => {
    const y = mb[i] ?? {};
    const path = `${p}.policyDefinitions[${i}]`;
    const idA = typeof x['policyDefinitionId'] === 'string' ? x['policyDefinitionId'] : String(x['policyDefinitionName'] ?? '');
    const idB = String(y['policyDefinitionId'] ?? '');
    // Custom members: the management group differs by design (a placeholder the publisher fills); the name must match.
    if (definitionNameFromId(idA).toLowerCase() !== definitionNameFromId(idB).toLowerCase() || isBuiltinDefinitionId(idA) !== isBuiltinDefinitionId(idB)) {
      out.push(`${path}.policyDefinitionId: ${idA} != ${idB}`);
    }
    if (x['policyDefinitionReferenceId'] !== undefined && x['policyDefinitionReferenceId'] !== y['policyDefinitionReferenceId']) {
      out.push(`${path}.policyDefinitionReferenceId: ${String(x['policyDefinitionReferenceId'])} != ${String(y['policyDefinitionReferenceId'])}`);
    }
    if (x['definitionVersion'] !== undefined && x['definitionVersion'] !== y['definitionVersion']) {
      out.push(`${path}.definitionVersion: ${String(x['definitionVersion'])} != ${String(y['definitionVersion'])}`);
    }
    const ga2 = Array.isArray(x['groupNames']) ? x['groupNames'] : [];
    const gb2 = Array.isArray(y['groupNames']) ? y['groupNames'] : [];
    if (JSON.stringify(ga2) !== JSON.stringify(gb2)) out.push(`${path}.groupNames: ${JSON.stringify(ga2)} != ${JSON.stringify(gb2)}`);
    compareRule(x['parameters'] ?? {}, y['parameters'] ?? {}, `${path}.parameters`, out);
  });
  return out;
}
