/**
 * The one JSON writer (house style rule 4): object keys sorted by UTF-16 code unit order, arrays kept in author
 * order, 2-space indent, LF line endings, one trailing newline. Same value, same bytes.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function sortValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sortValue(v === undefined ? null : v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue; // undefined properties are omitted, as JSON.stringify does
      out[key] = sortValue(v, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`canonicalJson: cannot serialise ${typeof value} at ${path}`);
}

/** Canonical JSON text of a value, ending in exactly one LF. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortValue(value, '$'), null, 2)}\n`;
}
