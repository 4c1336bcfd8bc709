/**
 * JSON value helpers shared by operators and template functions. `undefined` means "missing" (the path did
 * not resolve); JSON `null` is a present null. Azure treats them differently (semantics note §5.3).
 */
import { equalsIgnoreCase, fold } from './case-fold.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Case-insensitive property lookup that prefers an exact-case key (ARM property names are case-insensitive;
 * alias catalog paths do not always match payload casing, e.g. Properties.functionAlias).
 */
export function getProp(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const f = fold(key);
  // Hot path (every missing property lands here): ASCII folding keeps the length, so skip keys of another
  // length without folding them. (A key whose fold changes length, like "ﬁ", is not a realistic ARM name.)
  const sameLength = f.length === key.length;
  for (const k in obj) {
    if (sameLength && k.length !== key.length) continue;
    if (fold(k) === f) return obj[k];
  }
  return undefined;
}

export function hasProp(obj: Record<string, unknown>, key: string): boolean {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return true;
  const f = fold(key);
  for (const k in obj) if (fold(k) === f) return true;
  return false;
}

/** Strict deep equality (template function `equals`: case-sensitive strings). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * String form used by the `equals`-family condition operators: Azure converts both operands to strings and
 * compares them case-insensitively (Azure Policy linter, equality-check-on-numeric-field). An explicit null is ""
 * (linter, tryget-use-with-null-coercing-operator).
 */
export function conditionString(v: unknown): string | undefined {
  if (v === null) return '';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** Case-insensitive equality of two present values, strings coerced; objects/arrays compared deeply. */
export function looseEquals(a: unknown, b: unknown): boolean {
  const sa = conditionString(a);
  const sb = conditionString(b);
  if (sa !== undefined && sb !== undefined) return equalsIgnoreCase(sa, sb);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => looseEquals(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasProp(b, k) && looseEquals(a[k], getProp(b, k)));
  }
  return false;
}
