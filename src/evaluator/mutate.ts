/**
 * Applies the operations of a modify or append result to a resource document (a copy), so a caller can
 * re-evaluate deny/audit policies on the request Azure would actually send on: Learn (effect basics) runs
 * append and modify before deny.
 *
 * Array semantics follow Learn, "Author policies for array properties", Modifying arrays:
 * - a non-[*] alias of an array replaces (addOrReplace) or adds-if-missing (add/append) the whole array;
 * - `…[*]` with add/append appends one member; with addOrReplace it removes every member, then appends;
 * - `…[*].prop` sets prop on every member;
 * - remove deletes the property (Learn: tags only; accepted for any field here).
 * A property whose parent object is absent from the document is skipped (Learn, modify: "assumed intentional"),
 * except tags, which are created.
 */
import { fold } from './case-fold.js';
import { aliasPathFor, type AliasSource } from './aliases.js';
import { parseField, parsePath, type Segment } from './fields.js';
import type { EvaluationResult, ModifyOperationResult } from './types.js';
import { getProp, isObject, ownValue, setOwn } from './values.js';

export interface MutationOutcome {
  resource: Record<string, unknown>;
  /** Operations that changed nothing or could not apply, with the reason. */
  skipped: { field: string; reason: string }[];
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Actual key of `key` in obj (case-insensitive), or `key` itself when absent. */
function keyIn(obj: Record<string, unknown>, key: string): string {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return key;
  const f = fold(key);
  return Object.keys(obj).find((k) => fold(k) === f) ?? key;
}

function segmentsFor(field: string, resource: Record<string, unknown>, aliases: AliasSource | undefined, apiVersion: string | undefined): Segment[] | undefined {
  const spec = parseField(field);
  if (spec.kind === 'tag') return [{ k: 'key', key: 'tags' }, { k: 'key', key: spec.tag }];
  if (spec.kind === 'special') return [{ k: 'key', key: spec.which === 'fullname' ? 'name' : spec.which }];
  if (spec.kind === 'path') return [...spec.segments];
  const type = getProp(resource, 'type');
  const entry = typeof type === 'string' ? aliases?.getType(type)?.aliases.get(spec.key) : undefined;
  if (entry) return parsePath(aliasPathFor(entry, apiVersion));
  if (typeof type === 'string' && spec.key.startsWith(fold(type) + '/')) return parsePath('properties.' + spec.text.slice(type.length + 1));
  return undefined;
}

type Op = 'add' | 'addOrReplace' | 'remove';

function apply(node: unknown, segs: readonly Segment[], i: number, op: Op, value: unknown, isTags: boolean): boolean {
  if (!isObject(node) && !Array.isArray(node)) return false;
  const seg = segs[i]!;
  const last = i === segs.length - 1;
  if (seg.k === 'wild') {
    if (!Array.isArray(node)) return false;
    if (last) return false; // handled by the parent (array member add)
    let changed = false;
    for (const el of node) changed = apply(el, segs, i + 1, op, value, isTags) || changed;
    return changed;
  }
  if (seg.k === 'index') {
    if (!Array.isArray(node)) return false;
    if (last) {
      if (op === 'remove') return node.splice(seg.i, 1).length > 0;
      if (op === 'add' && node[seg.i] !== undefined) return false;
      node[seg.i] = clone(value);
      return true;
    }
    return apply(node[seg.i], segs, i + 1, op, value, isTags);
  }
  if (!isObject(node)) return false;
  // Own properties only, read and written as data (issue 11): `__proto__.x` or `constructor.prototype.x` finds no
  // own parent and is skipped; a tag named `__proto__` (a valid Azure tag name) becomes an own property.
  const key = keyIn(node, seg.key);
  const next = segs[i + 1];
  if (next?.k === 'wild' && i + 1 === segs.length - 1) {
    // `…[*]`: append a member (add) or replace every member (addOrReplace).
    const arr = ownValue(node, key);
    if (op === 'remove') {
      if (!Array.isArray(arr) || arr.length === 0) return false;
      setOwn(node, key, []);
      return true;
    }
    if (arr === undefined) setOwn(node, key, [clone(value)]);
    else if (!Array.isArray(arr)) return false;
    else if (op === 'addOrReplace') setOwn(node, key, [clone(value)]);
    else arr.push(clone(value));
    return true;
  }
  if (last) {
    const present = Object.prototype.hasOwnProperty.call(node, key);
    if (op === 'remove') {
      if (!present) return false;
      delete node[key];
      return true;
    }
    if (op === 'add' && present) return false;
    setOwn(node, key, clone(value));
    return true;
  }
  let child = ownValue(node, key);
  if (child === undefined && isTags && i === 0) setOwn(node, key, (child = {}));
  return apply(child, segs, i + 1, op, value, isTags);
}

/**
 * Applies the operations of an append (details = [{ field, value }]) or modify (details.operations) result.
 * Returns a modified copy; the input is not changed.
 */
export function applyMutations(
  resource: Record<string, unknown>,
  result: Pick<EvaluationResult, 'effect' | 'details'>,
  options: { aliases?: AliasSource; apiVersion?: string } = {},
): MutationOutcome {
  const out = clone(resource);
  const skipped: MutationOutcome['skipped'] = [];
  let ops: { operation: Op; field: string; value?: unknown }[] = [];
  if (result.effect === 'append' && Array.isArray(result.details)) {
    ops = (result.details as { field: string; value: unknown }[]).map((d) => ({ operation: 'add' as const, field: d.field, value: d.value }));
  } else if (result.effect === 'modify' && isObject(result.details) && Array.isArray(result.details['operations'])) {
    ops = result.details['operations'] as ModifyOperationResult[];
  }
  for (const op of ops) {
    const segs = segmentsFor(op.field, out, options.aliases, options.apiVersion);
    if (!segs || segs.length === 0) {
      skipped.push({ field: op.field, reason: 'the field does not resolve for this resource type' });
      continue;
    }
    const isTags = segs[0]!.k === 'key' && fold((segs[0] as { key: string }).key) === 'tags';
    if (!apply(out, segs, 0, op.operation, op.value, isTags)) {
      skipped.push({ field: op.field, reason: op.operation === 'add' ? 'already present, or its parent is absent' : 'its parent is absent or nothing to remove' });
    }
  }
  return { resource: out, skipped };
}
