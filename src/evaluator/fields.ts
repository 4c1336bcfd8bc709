/**
 * Field references: the special fields Learn lists (name, fullName, kind, type, location, id, identity.type,
 * tags, tags['x'], tags.x, tags[x]), aliases (resolved per resource type and API version) and plain property
 * paths (properties.x.y, as the public conformance cases write them), and walking a path through a resource
 * document with `[*]` flattening.
 */
import { fold } from './case-fold.js';
import { getProp, isObject } from './values.js';

export type Segment = { readonly k: 'key'; readonly key: string } | { readonly k: 'wild' } | { readonly k: 'index'; readonly i: number };

export type FieldSpec =
  | { readonly kind: 'special'; readonly which: 'name' | 'fullname' | 'type' | 'kind' | 'location' | 'id' | 'tags' }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'path'; readonly text: string; readonly key: string; readonly segments: readonly Segment[] }
  | { readonly kind: 'alias'; readonly text: string; readonly key: string };

const SPECIAL = new Set(['name', 'fullname', 'type', 'kind', 'location', 'id', 'tags']);

/** Parses `a.b[*].c['d.e'][0]` into segments. */
export function parsePath(text: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let cur = '';
  const flush = (): void => {
    if (cur !== '') out.push({ k: 'key', key: cur });
    cur = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = findBracketEnd(text, i);
      const inner = text.slice(i + 1, end).trim();
      if (inner === '*') out.push({ k: 'wild' });
      else if (/^\d+$/.test(inner)) out.push({ k: 'index', i: Number(inner) });
      else out.push({ k: 'key', key: unquote(inner) });
      i = end + 1;
    } else {
      cur += c;
      i++;
    }
  }
  flush();
  return out;
}

function findBracketEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === "'") {
    // quoted: '' escapes a quote
    i++;
    while (i < text.length) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
  }
  const end = text.indexOf(']', i);
  return end === -1 ? text.length : end;
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  return s;
}

/** Classifies a field string. */
export function parseField(text: string): FieldSpec {
  const t = text.trim();
  const lower = fold(t);
  if (SPECIAL.has(lower)) return { kind: 'special', which: lower as 'name' };
  // tags['name'], tags[name], tags.name — tag names may contain dots, dashes, spaces and [*]-like text.
  if (lower.startsWith('tags[') && t.endsWith(']')) return { kind: 'tag', tag: unquote(t.slice(5, -1).trim()) };
  if (lower.startsWith('tags.')) return { kind: 'tag', tag: t.slice(5) };
  // An alias has a "/" outside brackets (a bracketed key such as ['/subscriptions/…'] is a property name).
  if (t.replace(/\[[^\]]*\]/g, '').includes('/')) return { kind: 'alias', text: t, key: lower };
  return { kind: 'path', text: t, key: lower, segments: parsePath(t) };
}

export function hasWildcard(segs: readonly Segment[], from = 0): boolean {
  for (let i = from; i < segs.length; i++) if (segs[i]!.k === 'wild') return true;
  return false;
}

/** Canonical lower-case key of the first `upto` segments (used to match count scopes). */
export function segmentsKey(segs: readonly Segment[], upto = segs.length): string {
  let s = '';
  for (let i = 0; i < upto; i++) {
    const g = segs[i]!;
    s += g.k === 'key' ? '.' + fold(g.key) : g.k === 'wild' ? '[*]' : `[${g.i}]`;
  }
  return s;
}

function step(node: unknown, seg: Segment): unknown {
  if (seg.k === 'key') return isObject(node) ? getProp(node, seg.key) : undefined;
  if (seg.k === 'index') return Array.isArray(node) ? node[seg.i] : undefined;
  return undefined;
}

/** Value at a path without wildcards (from `start`), undefined when missing. */
export function getAt(root: unknown, segs: readonly Segment[], start = 0): unknown {
  let node = root;
  for (let i = start; i < segs.length; i++) {
    node = step(node, segs[i]!);
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Collects the values a `[*]` path selects, flattening nested `[*]`. A missing or non-array `[*]` level
 * selects nothing; a member that lacks the property after the last `[*]` contributes `undefined` (the member
 * is still evaluated, e.g. by `exists: false`).
 */
export function collect(root: unknown, segs: readonly Segment[], start: number, out: unknown[]): void {
  let node = root;
  for (let i = start; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.k === 'wild') {
      if (!Array.isArray(node)) return;
      for (const el of node) collect(el, segs, i + 1, out);
      return;
    }
    node = step(node, seg);
    if (node === undefined) {
      if (!hasWildcard(segs, i + 1)) out.push(undefined);
      return;
    }
  }
  out.push(node);
}

/** Index just after the last `[*]` in segs, or -1. */
export function lastWildcardEnd(segs: readonly Segment[]): number {
  for (let i = segs.length - 1; i >= 0; i--) if (segs[i]!.k === 'wild') return i + 1;
  return -1;
}

/**
 * Array elements selected at the last `[*]` of a count field (the count's members). Flattens nested `[*]`
 * before it. A missing array is an empty collection.
 */
export function countMembers(root: unknown, segs: readonly Segment[], start: number): unknown[] {
  const end = lastWildcardEnd(segs);
  const out: unknown[] = [];
  const prefix = segs.slice(0, end);
  collectElements(root, prefix, start, out);
  return out;
}

function collectElements(root: unknown, segs: readonly Segment[], start: number, out: unknown[]): void {
  let node = root;
  for (let i = start; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.k === 'wild') {
      if (!Array.isArray(node)) return;
      if (i === segs.length - 1) {
        for (const el of node) out.push(el);
        return;
      }
      for (const el of node) collectElements(el, segs, i + 1, out);
      return;
    }
    node = step(node, seg);
    if (node === undefined) return;
  }
}
