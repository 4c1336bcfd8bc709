/**
 * Operands of conditions and of field()/current(): special fields (name, fullName, type, kind, location, id,
 * tags), tag values, aliases and paths resolved against the resource or the enclosing count scope.
 */
import { fold } from './case-fold.js';
import { collect, getAt, hasWildcard, parseField, segmentsKey, type FieldSpec } from './fields.js';
import { fnError } from './functions.js';
import { getProp, isObject } from './values.js';
import { type Resolution, type Resolved, type ResourceRef, type State, resolveFieldIn } from './state.js';

export function specialValue(which: string, doc: Record<string, unknown>): unknown {
  switch (which) {
    case 'name': {
      const n = getProp(doc, 'name');
      // ARM template child resources write name "parent/child"; the name field is the last segment.
      return typeof n === 'string' && n.includes('/') ? n.slice(n.lastIndexOf('/') + 1) : n;
    }
    case 'fullname': {
      const n = getProp(doc, 'name');
      // Documents that carry fullName themselves (ARG-style exports) are taken at their word.
      if (n === undefined) return getProp(doc, 'fullName');
      if (typeof n === 'string' && n.includes('/')) return n;
      const id = getProp(doc, 'id');
      if (typeof id === 'string') {
        const names = namesFromId(id);
        if (names.length > 1) return names.join('/');
      }
      return n;
    }
    default:
      return getProp(doc, which);
  }
}

/**
 * `field: apiVersion`: not a Learn special field; ARM template resources carry their apiVersion, and for a
 * request the engine knows it. Reads the document's apiVersion, else the request's (as regorus does).
 */
export function apiVersionField(s: State, doc: Record<string, unknown>): unknown {
  const own = getProp(doc, 'apiVersion');
  if (own !== undefined) return own;
  return s.run.apiVersion;
}

/** Resource names along an ARM id after the last /providers/ segment (parent/child names). */
function namesFromId(id: string): string[] {
  const parts = id.split('/').filter(Boolean);
  let i = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (i === -1) return [];
  const rest = parts.slice(i + 2); // skip "providers" and the namespace
  const names: string[] = [];
  for (let j = 1; j < rest.length; j += 2) names.push(rest[j]!);
  return names;
}

export function tagValue(doc: Record<string, unknown>, tag: string): unknown {
  const tags = getProp(doc, 'tags');
  // A10: tag names are case-insensitive in ARM.
  return isObject(tags) ? getProp(tags, tag) : undefined;
}

interface Base {
  node: unknown;
  start: number;
}

/** Where a path starts: the innermost count scope it lies under, else the resource root. */
export function baseFor(r: Resolved, s: State, doc: Record<string, unknown>): Base {
  if (r.wildKeys.length && s.scopes.length) {
    for (let i = s.scopes.length - 1; i >= 0; i--) {
      const sc = s.scopes[i]!;
      if (sc.kind !== 'field' || sc.doc !== doc) continue;
      for (let j = r.wildKeys.length - 1; j >= 0; j--) {
        if (r.wildKeys[j] === sc.key) return { node: sc.member, start: r.wildEnds[j]! };
      }
    }
  }
  return { node: doc, start: 0 };
}

export function resolveSpec(spec: FieldSpec & { kind: 'alias' | 'path' }, ref: ResourceRef, s: State): Resolution {
  const r = resolveFieldIn(spec, ref.tctx, s.run.opts);
  if (r?.heuristic && s.run.warnings.length < 50) {
    const w = `alias ${spec.text} is not in the alias catalog for ${ref.tctx.typeLower || '(no type)'}; read as ${segmentsKey(r.segs).slice(1)}`;
    if (!s.run.warnings.includes(w)) s.run.warnings.push(w);
  }
  return r;
}

/** `[field('x')]`: missing non-array -> "" (Learn, arrays page); [*] -> array of selected values. */
export function fieldFunction(spec: FieldSpec, s: State): unknown {
  const doc = s.fnRes.doc;
  if (spec.kind === 'special') {
    const v = specialValue(spec.which, doc);
    return v === undefined ? '' : v;
  }
  if (spec.kind === 'tag') {
    const v = tagValue(doc, spec.tag);
    return v === undefined ? '' : v;
  }
  const r = resolveSpec(spec, s.fnRes, s);
  if (!r) return spec.text.includes('[*]') ? [] : '';
  const b = baseFor(r, s, doc);
  if (r.wildKeys.length) {
    if (hasWildcard(r.segs, b.start)) {
      const out: unknown[] = [];
      collect(b.node, r.segs, b.start, out);
      return out.filter((x) => x !== undefined);
    }
    // Inside count.where the counted alias is a one-element array (Learn, arrays page).
    const v = getAt(b.node, r.segs, b.start);
    return v === undefined ? [] : [v];
  }
  const v = getAt(b.node, r.segs, b.start);
  return v === undefined ? '' : v;
}

/** Value a modify/append field currently has on the evaluated resource (undefined when absent). */
export function currentFieldValue(field: string, s: State): unknown {
  const spec = parseField(field);
  const doc = s.res.doc;
  if (spec.kind === 'special') return specialValue(spec.which, doc);
  if (spec.kind === 'tag') return tagValue(doc, spec.tag);
  const r = resolveSpec(spec, s.res, s);
  return r ? getAt(doc, r.segs, 0) : undefined;
}

export function currentValue(s: State, name: string, spec: FieldSpec | undefined): unknown {
  if (!s.scopes.length) throw fnError('current', 'used outside count.where');
  if (!name) return s.scopes[s.scopes.length - 1]!.member;
  const lower = fold(name);
  for (let i = s.scopes.length - 1; i >= 0; i--) {
    const sc = s.scopes[i]!;
    if (sc.kind === 'value') {
      if (sc.key === lower) return sc.member;
      continue;
    }
    if (sc.fieldLower === lower) return sc.member;
    if (spec && (spec.kind === 'alias' || spec.kind === 'path')) {
      const r = resolveSpec(spec, s.res, s);
      if (!r) continue;
      const j = r.wildKeys.indexOf(sc.key);
      if (j === -1) continue;
      const start = r.wildEnds[j]!;
      if (hasWildcard(r.segs, start)) {
        const out: unknown[] = [];
        collect(sc.member, r.segs, start, out);
        return out.filter((x) => x !== undefined);
      }
      const v = getAt(sc.member, r.segs, start);
      return v === undefined ? null : v;
    }
  }
  throw fnError('current', `no count named or counting '${name}' encloses this expression`);
}
