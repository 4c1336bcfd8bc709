/**
 * The one JSON writer (house style rule 4): object keys sorted by UTF-16 code unit order, arrays kept in author
 * order, 2-space indent, LF line endings, one trailing newline. Same value, same bytes.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * `$.a` + key -> the JSON path of that child, as diagnostics and plans print it: a number is an index (`[0]`), an
 * identifier-like key is dotted (`.effect`), any other key is bracket-quoted (`["not-an-id"]`) so the path stays
 * unambiguous.
 */
export function jsonPathChild(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

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
