/**
 * Applicability (Learn, "What is applicability"): the definition mode, type/name/kind conditions, and the
 * resource types a rule can match (used by the policy index and the default path's type filter).
 */
import { fold } from './case-fold.js';
import { isExpression } from './expression-parser.js';
import { getProp, isObject } from './values.js';
import { compileLeaf } from './conditions.js';
import { keyOf, type CompileCtx, type Cond, type TypeContext } from './state.js';

type ApplKind = 'type' | 'name' | 'kind' | 'other';

function leafKind(node: Record<string, unknown>): ApplKind {
  const fk = keyOf(node, 'field');
  if (fk === undefined) return 'other';
  const f = node[fk];
  if (typeof f !== 'string') return 'other';
  const l = f.toLowerCase();
  return l === 'type' || l === 'name' || l === 'kind' ? l : 'other';
}

function collectKinds(node: unknown, out: Set<ApplKind>): void {
  if (!isObject(node)) return;
  for (const k of Object.keys(node)) {
    const lk = k.toLowerCase();
    if (lk === 'allof' || lk === 'anyof') {
      const v = node[k];
      if (Array.isArray(v)) for (const x of v) collectKinds(x, out);
      return;
    }
    if (lk === 'not') return collectKinds(node[k], out);
  }
  out.add(leafKind(node));
}

/**
 * Builds the applicability test: only type/name/kind conditions are evaluated, every other condition counts
 * as true (false under `not`). Learn's special cases: with no type condition every resource is applicable;
 * with type and no other conditions only type counts.
 */
export function compileApplicability(ifNode: unknown, c: CompileCtx): Cond | undefined {
  const kinds = new Set<ApplKind>();
  collectKinds(ifNode, kinds);
  if (!kinds.has('type')) return undefined;
  const counting = new Set<ApplKind>(['type']);
  if (kinds.has('other')) {
    counting.add('name');
    counting.add('kind');
  }
  const build = (node: unknown, negated: boolean, path: string): Cond => {
    if (!isObject(node)) return () => !negated;
    for (const k of Object.keys(node)) {
      const lk = k.toLowerCase();
      if (lk === 'allof' || lk === 'anyof') {
        const parts = (node[k] as unknown[]).map((x, i) => build(x, negated, `${path}.${k}[${i}]`));
        return lk === 'allof' ? (s) => parts.every((p) => p(s)) : (s) => parts.some((p) => p(s));
      }
      if (lk === 'not') {
        const inner = build(node[k], !negated, `${path}.${k}`);
        return (s) => !inner(s);
      }
    }
    if (!counting.has(leafKind(node))) return () => !negated;
    const leaf = compileLeaf(node, c, path);
    return (s) => {
      try {
        return leaf(s);
      } catch {
        return !negated;
      }
    };
  };
  return build(ifNode, false, 'if');
}

export function hasLocationField(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasLocationField);
  if (!isObject(node)) return false;
  for (const [k, v] of Object.entries(node)) {
    if (k.toLowerCase() === 'field' && typeof v === 'string' && v.toLowerCase() === 'location') return true;
    if (typeof v === 'object' && hasLocationField(v)) return true;
  }
  return false;
}

/**
 * Resource types a rule can match, from literal `type` equals/in conditions that every match requires; undefined
 * when the rule may match any type. Used by the policy index.
 */
export function requiredTypes(node: unknown): string[] | undefined {
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  const lk = keys.map((k) => k.toLowerCase());
  if (lk.length === 1 && lk[0] === 'allof' && Array.isArray(node[keys[0]!])) {
    let best: string[] | undefined;
    for (const x of node[keys[0]!] as unknown[]) {
      const t = requiredTypes(x);
      if (t && (!best || t.length < best.length)) best = t;
    }
    return best;
  }
  if (lk.length === 1 && lk[0] === 'anyof' && Array.isArray(node[keys[0]!])) {
    const all = new Set<string>();
    for (const x of node[keys[0]!] as unknown[]) {
      const t = requiredTypes(x);
      if (!t) return undefined;
      for (const y of t) all.add(y);
    }
    return [...all];
  }
  const fk = keyOf(node, 'field');
  if (fk === undefined || typeof node[fk] !== 'string' || (node[fk] as string).toLowerCase() !== 'type') return undefined;
  const eqKey = keyOf(node, 'equals');
  if (eqKey !== undefined && typeof node[eqKey] === 'string' && !isExpression(node[eqKey] as string)) return [fold(node[eqKey] as string)];
  const inKey = keyOf(node, 'in');
  if (inKey !== undefined && Array.isArray(node[inKey]) && (node[inKey] as unknown[]).every((x) => typeof x === 'string' && !isExpression(x))) {
    return (node[inKey] as string[]).map(fold);
  }
  return undefined;
}

export function modeApplies(mode: 'all' | 'indexed', type: string, doc: Record<string, unknown>, t: TypeContext): boolean {
  const lower = t.typeLower;
  if (lower.startsWith('microsoft.resources/')) {
    // Learn (applicability): Microsoft.Resources/* other than subscriptions and resource groups is not evaluated.
    const isContainer = lower === 'microsoft.resources/subscriptions' || lower === 'microsoft.resources/resourcegroups' || lower === 'microsoft.resources/subscriptions/resourcegroups';
    if (!isContainer) return false;
    return mode === 'all';
  }
  if (mode === 'all') return true;
  const caps = t.info?.capabilities;
  if (caps !== undefined) {
    const l = caps.toLowerCase();
    return l.includes('supportstags') && l.includes('supportslocation');
  }
  // No capability data: a document that carries location or tags (or no type at all) is taken as taggable/located.
  if (!type || getProp(doc, 'location') !== undefined || getProp(doc, 'tags') !== undefined) return true;
  return isTrackedType(lower, t);
}

/**
 * Top-level types whose published ARM resource schema has no `location` (azure-resource-manager-schemas at
 * a1454431, ../shared/azure/schemas: Microsoft.Authorization, .Management, .PolicyInsights, .Security): ARM
 * does not document them as tracked resources, so mode Indexed skips them like child types.
 */
const TOP_LEVEL_WITHOUT_LOCATION: ReadonlySet<string> = new Set([
  'microsoft.authorization/policydefinitions',
  'microsoft.authorization/policysetdefinitions',
  'microsoft.authorization/policyexemptions',
  'microsoft.authorization/policyenrollments',
  'microsoft.authorization/roleassignments',
  'microsoft.authorization/roledefinitions',
  'microsoft.authorization/variables',
  'microsoft.management/managementgroups',
  'microsoft.policyinsights/remediations',
  'microsoft.policyinsights/attestations',
  'microsoft.security/pricings',
  'microsoft.security/securitycontacts',
  // An extension resource (on any resource's scope): its documents have name, properties and no location or
  // tags (the exported settings in github.com/Azure/bicep/issues/18820).
  'microsoft.insights/diagnosticsettings',
]);

/**
 * Whether a type without capability data is a tracked resource (taggable, with a location): a top-level type
 * (Namespace/type) that the alias catalog knows (it has aliases) and that is not documented without a location.
 * ARM's resource provider contract makes every tracked resource a top-level type carrying location and tags,
 * while child (nested) types are proxy resources without them (Azure REST API guidelines, "ARM resource
 * types": TrackedResource vs ProxyResource). So a test document of a tracked type that omits location is
 * still evaluated in mode Indexed (Azure would have had the location: ARM requires it on create), while a
 * child type without location or tags stays excluded.
 */
function isTrackedType(lower: string, t: TypeContext): boolean {
  if (t.info === undefined || t.info.aliases.size === 0) return false;
  if (lower.split('/').length !== 2) return false;
  return !TOP_LEVEL_WITHOUT_LOCATION.has(lower);
}
