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

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Case-insensitive property lookup that prefers an exact-case key (ARM property names are case-insensitive;
 * alias catalog paths do not always match payload casing, e.g. Properties.functionAlias).
 *
 * Own properties only (issue 11, prototype pollution): a document's `__proto__`, `constructor` or `toString` is
 * whatever the JSON says, never something inherited from Object.prototype, as in Azure, where a resource is JSON
 * and has no prototype.
 */
export function getProp(obj: Record<string, unknown>, key: string): unknown {
  if (hasOwn.call(obj, key)) return obj[key];
  const f = fold(key);
  // Hot path (every missing property lands here): ASCII folding keeps the length, so skip keys of another
  // length without folding them. (A key whose fold changes length, like "ﬁ", is not a realistic ARM name.)
  const sameLength = f.length === key.length;
  for (const k in obj) {
    if (sameLength && k.length !== key.length) continue;
    // for-in also walks inherited enumerable keys (someone else's polluted prototype): skip those.
    if (fold(k) === f && hasOwn.call(obj, k)) return obj[k];
  }
  return undefined;
}

export function hasProp(obj: Record<string, unknown>, key: string): boolean {
  if (hasOwn.call(obj, key)) return true;
  const f = fold(key);
  for (const k in obj) if (fold(k) === f && hasOwn.call(obj, k)) return true;
  return false;
}

/**
 * Sets an own data property. Plain assignment of `__proto__` would replace the object's prototype instead of
 * creating the property a JSON document (or Azure) has, so that one key is defined explicitly.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** An own property's value, never an inherited one (exact key). */
export function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined;
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
    return ka.every((k) => hasOwn.call(b, k) && deepEqual(a[k], b[k]));
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
