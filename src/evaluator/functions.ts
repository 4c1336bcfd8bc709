/**
 * The template functions a policy rule may call (ARM template functions minus the deployment-only ones, plus
 * addDays/utcNow/ipRangeContains). Context functions (parameters, field, current, resourceGroup, subscription,
 * requestContext, policy) and the lazy `if` live in the compiler because they need the evaluation state.
 *
 * Every function takes evaluated arguments and returns a JSON value; a bad argument throws EvaluationError
 * (Azure: the evaluation fails and the request is denied). Where ARM and the policy linter disagree the
 * choice is documented on the function (see the semantics note §6 and §12).
 */
import { compareIgnoreCase, fold } from './case-fold.js';
import { formatDate, formatDateWith, parseDate, parseDuration } from './dates.js';
import { EvaluationError, EvaluatorCode } from './errors.js';
import { ipRangeContains } from './ip.js';
import { deepEqual, isObject, ownValue, setOwn, typeName } from './values.js';

export type TemplateFunction = (args: unknown[], env: FunctionEnv) => unknown;

export interface FunctionEnv {
  /** Clock for utcNow(); injectable so tests are deterministic. */
  now(): Date;
  /** utcNow() text pinned by the evaluation context, returned verbatim. */
  nowText?: string;
}

export function fnError(name: string, message: string): EvaluationError {
  return new EvaluationError(EvaluatorCode.functionFailed, `${name}(): ${message}`);
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw fnError(name, `expects ${want} argument(s), got ${args.length}`);
  }
}

function str(name: string, v: unknown, what = 'argument'): string {
  if (typeof v !== 'string') throw fnError(name, `${what} must be a string, got ${typeName(v)}`);
  return v;
}

function int(name: string, v: unknown, what = 'argument'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fnError(name, `${what} must be an integer, got ${typeName(v)}`);
  return Math.trunc(v);
}

function arr(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw fnError(name, `argument must be an array, got ${typeName(v)}`);
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw fnError(name, `argument must be a boolean, got ${typeName(v)}`);
  return v;
}

function utf8ToBase64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function base64ToUtf8(name: string, s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw fnError(name, 'argument is not valid base64');
  return Buffer.from(s, 'base64').toString('utf8');
}

function parseJson(name: string, s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    throw fnError(name, `argument is not valid JSON: ${s.slice(0, 60)}`);
  }
}

function dateArg(name: string, v: unknown): ReturnType<typeof parseDate> & object {
  const d = typeof v === 'string' ? parseDate(v) : undefined;
  if (!d) throw fnError(name, `${JSON.stringify(v)} is not an ISO 8601 date time`);
  return d;
}

/** Case-insensitive string functions per ARM docs (indexOf, lastIndexOf, startsWith, endsWith). */
function ciIndexOf(hay: string, needle: string, last: boolean): number {
  const h = fold(hay);
  const n = fold(needle);
  // Folding can change length (ß → ss); map back only when lengths are unchanged, else search on originals.
  if (h.length === hay.length && n.length === needle.length) return last ? h.lastIndexOf(n) : h.indexOf(n);
  for (let i = last ? hay.length : 0; last ? i >= 0 : i <= hay.length; i += last ? -1 : 1) {
    for (let j = i; j <= hay.length; j++) if (fold(hay.slice(i, j)) === n) return i;
  }
  return -1;
}

/** .NET composite formatting subset: {index[,alignment][:format]} with {{ }} escapes (ARM `format`). */
function dotnetFormat(fmt: string, values: unknown[]): string {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === '{') {
      if (fmt[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const end = fmt.indexOf('}', i);
      if (end === -1) throw fnError('format', 'unmatched opening brace');
      const spec = fmt.slice(i + 1, end);
      const m = /^(\d+)\s*(?:,([^:]*))?(?::(.*))?$/.exec(spec);
      if (!m) throw fnError('format', `invalid placeholder {${spec}}`);
      const index = Number(m[1]);
      if (index >= values.length) throw fnError('format', `placeholder {${index}} references argument index ${index}, but only ${values.length} given`);
      let text = formatValue(values[index], m[3]);
      if (m[2] !== undefined) {
        const a = m[2].trim();
        if (a === '') throw fnError('format', 'empty alignment value');
        if (!/^-?\d+$/.test(a)) throw fnError('format', `invalid alignment ${JSON.stringify(m[2])}`);
        const width = Number(a);
        if (Math.abs(width) > 131072) throw fnError('format', 'alignment exceeds maximum allowed (131072)');
        text = width < 0 ? text.padEnd(-width) : text.padStart(width);
      }
      out += text;
      i = end + 1;
      continue;
    }
    if (c === '}') {
      if (fmt[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw fnError('format', 'unmatched closing brace');
    }
    out += c;
    i++;
  }
  return out;
}

function groupThousands(s: string): string {
  const [intPart, dec] = s.split('.');
  const neg = intPart!.startsWith('-');
  const digits = neg ? intPart!.slice(1) : intPart!;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped + (dec !== undefined ? '.' + dec : '');
}

function formatValue(v: unknown, spec: string | undefined): string {
  if (spec === undefined || spec === '') {
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  const m = /^([A-Za-z])(\d*)$/.exec(spec);
  if (!m || typeof v !== 'number') {
    if (typeof v !== 'number') return formatValue(v, undefined);
    throw fnError('format', `invalid numeric format specifier ${JSON.stringify(spec)}`);
  }
  const kind = m[1]!;
  const prec = m[2] === '' ? undefined : Number(m[2]);
  switch (kind.toUpperCase()) {
    case 'F':
      return v.toFixed(prec ?? 2);
    case 'N':
      return groupThousands(v.toFixed(prec ?? 2));
    case 'D':
      return (v < 0 ? '-' : '') + String(Math.abs(Math.trunc(v))).padStart(prec ?? 0, '0');
    case 'X': {
      const hex = (Math.trunc(v) >>> 0).toString(16).padStart(prec ?? 0, '0');
      return kind === 'X' ? hex.toUpperCase() : hex;
    }
    case 'P':
      return `${groupThousands((v * 100).toFixed(prec ?? 2))} %`;
    case 'E':
      return v.toExponential(prec ?? 6).toUpperCase();
    case 'G':
      return String(v);
    default:
      throw fnError('format', `invalid numeric format specifier ${JSON.stringify(spec)}`);
  }
}

function resolveUri(base: string, rel: string): string {
  try {
    return new URL(rel, base).toString();
  } catch {
    throw fnError('uri', `cannot combine ${JSON.stringify(base)} and ${JSON.stringify(rel)}`);
  }
}

/** Deep merge for union() of objects: later values win, nested objects merge (ARM docs). */
function mergeObjects(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = ownValue(out, k);
    setOwn(out, k, isObject(prev) && isObject(v) ? mergeObjects(prev, v) : v);
  }
  return out;
}

function pushUnique(out: unknown[], v: unknown): void {
  if (!out.some((x) => deepEqual(x, v))) out.push(v);
}

const ISO_NOW = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export const FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  // ---------- array and object
  array: (a) => {
    arity('array', a, 1);
    return Array.isArray(a[0]) ? a[0] : [a[0]];
  },
  createarray: (a) => [...a],
  createobject: (a) => {
    if (a.length % 2 !== 0) throw fnError('createObject', 'expected an even number of arguments (name, value pairs)');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) {
      const k = a[i];
      if (typeof k !== 'string' && typeof k !== 'number') throw fnError('createObject', 'property names must be strings');
      setOwn(out, String(k), a[i + 1]);
    }
    return out;
  },
  concat: (a) => {
    if (a.length === 0) return '';
    if (Array.isArray(a[0])) {
      const out: unknown[] = [];
      for (const x of a) {
        if (!Array.isArray(x)) throw fnError('concat', 'cannot mix arrays and strings');
        out.push(...x);
      }
      return out;
    }
    return a.map((x) => (typeof x === 'string' ? x : x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x))).join('');
  },
  contains: (a) => {
    arity('contains', a, 2);
    const [c, item] = a;
    if (typeof c === 'string') {
      // ARM docs: case-sensitive for strings (ambiguity A12; the policy linter's port folds case).
      return c.includes(typeof item === 'string' ? item : String(item));
    }
    if (Array.isArray(c)) return c.some((x) => deepEqual(x, item));
    if (isObject(c)) {
      // Object keys are case-insensitive in ARM and in the linter.
      const k = fold(String(item));
      return Object.keys(c).some((x) => fold(x) === k);
    }
    throw fnError('contains', `first argument must be a string, array or object, got ${typeName(c)}`);
  },
  empty: (a) => {
    arity('empty', a, 1);
    const v = a[0];
    if (v === null || v === undefined) return true;
    if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
    if (isObject(v)) return Object.keys(v).length === 0;
    return false;
  },
  first: (a) => {
    arity('first', a, 1);
    const v = a[0];
    if (typeof v === 'string') return [...v][0] ?? '';
    if (Array.isArray(v)) return v.length ? v[0] : null;
    if (v === null) return null;
    throw fnError('first', `argument must be an array or string, got ${typeName(v)}`);
  },
  last: (a) => {
    arity('last', a, 1);
    const v = a[0];
    if (typeof v === 'string') {
      const chars = [...v];
      return chars[chars.length - 1] ?? '';
    }
    if (Array.isArray(v)) return v.length ? v[v.length - 1] : null;
    if (v === null) return null;
    throw fnError('last', `argument must be an array or string, got ${typeName(v)}`);
  },
  indexof: (a) => {
    arity('indexOf', a, 2);
    const [c, item] = a;
    if (Array.isArray(c)) return c.findIndex((x) => deepEqual(x, item));
    return ciIndexOf(str('indexOf', c), str('indexOf', item), false);
  },
  lastindexof: (a) => {
    arity('lastIndexOf', a, 2);
    const [c, item] = a;
    if (Array.isArray(c)) {
      for (let i = c.length - 1; i >= 0; i--) if (deepEqual(c[i], item)) return i;
      return -1;
    }
    return ciIndexOf(str('lastIndexOf', c), str('lastIndexOf', item), true);
  },
  indexfromend: (a) => {
    arity('indexFromEnd', a, 2);
    const list = arr('indexFromEnd', a[0]);
    const i = int('indexFromEnd', a[1]);
    if (i < 1 || i > list.length) throw fnError('indexFromEnd', `index ${i} is out of bounds for an array of ${list.length}`);
    return list[list.length - i];
  },
  tryindexfromend: (a) => {
    arity('tryIndexFromEnd', a, 2);
    const [list, i] = a;
    if (!Array.isArray(list) || typeof i !== 'number' || i < 1 || i > list.length) return null;
    return list[list.length - Math.trunc(i)];
  },
  intersection: (a) => {
    arity('intersection', a, 2, Infinity);
    if (a.every(isObject)) {
      const [head, ...rest] = a as Record<string, unknown>[];
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(head!)) {
        if (rest.every((o) => Object.prototype.hasOwnProperty.call(o, k) && deepEqual(o[k], v))) setOwn(out, k, v);
      }
      return out;
    }
    const lists = a.map((x) => arr('intersection', x));
    const out: unknown[] = [];
    for (const v of lists[0]!) if (lists.slice(1).every((l) => l.some((x) => deepEqual(x, v)))) pushUnique(out, v);
    return out;
  },
  union: (a) => {
    arity('union', a, 1, Infinity);
    if (a.every(isObject)) return (a as Record<string, unknown>[]).reduce((acc, o) => mergeObjects(acc, o), {});
    const out: unknown[] = [];
    for (const l of a) for (const v of arr('union', l)) pushUnique(out, v);
    return out;
  },
  items: (a) => {
    arity('items', a, 1);
    const o = a[0];
    if (!isObject(o)) throw fnError('items', `argument must be an object, got ${typeName(o)}`);
    return Object.keys(o)
      .sort((x, y) => compareIgnoreCase(x, y))
      .map((key) => ({ key, value: o[key] }));
  },
  length: (a) => {
    arity('length', a, 1);
    const v = a[0];
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    if (v === null || v === undefined) return 0;
    throw fnError('length', `argument must be a string, array or object, got ${typeName(v)}`);
  },
  max: (a) => minMax('max', a, (x, y) => x > y),
  min: (a) => minMax('min', a, (x, y) => x < y),
  range: (a) => {
    arity('range', a, 2);
    const start = int('range', a[0], 'startIndex');
    const count = int('range', a[1], 'count');
    if (count < 0) throw fnError('range', 'count must not be negative');
    if (count > 10000) throw fnError('range', 'count exceeds maximum of 10000');
    if (start + count > 2147483647) throw fnError('range', 'startIndex + count exceeds maximum of 2147483647');
    return Array.from({ length: count }, (_, i) => start + i);
  },
  skip: (a) => {
    arity('skip', a, 2);
    const n = Math.max(0, int('skip', a[1], 'count'));
    const v = a[0];
    if (typeof v === 'string') return v.slice(n);
    return arr('skip', v).slice(n);
  },
  take: (a) => {
    arity('take', a, 2);
    const n = Math.max(0, int('take', a[1], 'count'));
    const v = a[0];
    if (typeof v === 'string') return v.slice(0, n);
    return arr('take', v).slice(0, n);
  },
  tryget: (a) => {
    arity('tryGet', a, 2, Infinity);
    let cur: unknown = a[0];
    for (const key of a.slice(1)) {
      if (Array.isArray(cur) && typeof key === 'number') cur = key >= 0 && key < cur.length ? cur[key] : undefined;
      else if (isObject(cur) && typeof key === 'string') {
        const f = fold(key);
        const k = Object.keys(cur).find((x) => x === key) ?? Object.keys(cur).find((x) => fold(x) === f);
        cur = k === undefined ? undefined : cur[k];
      } else cur = undefined;
      if (cur === undefined) return null;
    }
    return cur;
  },
  // ---------- comparison and logic
  coalesce: (a) => {
    for (const v of a) if (v !== null && v !== undefined) return v;
    return null;
  },
  equals: (a) => {
    arity('equals', a, 2);
    // Template-function equals is deep and case-sensitive (ARM; Bicep documents == as case-sensitive).
    return deepEqual(a[0], a[1]);
  },
  less: (a) => ordered('less', a) < 0,
  lessorequals: (a) => ordered('lessOrEquals', a) <= 0,
  greater: (a) => ordered('greater', a) > 0,
  greaterorequals: (a) => ordered('greaterOrEquals', a) >= 0,
  and: (a) => {
    arity('and', a, 0, Infinity); // ARM wants 2+, an empty list is vacuously true
    return a.map((x) => bool('and', x)).every(Boolean);
  },
  or: (a) => {
    arity('or', a, 0, Infinity);
    return a.map((x) => bool('or', x)).some(Boolean);
  },
  not: (a) => {
    arity('not', a, 1);
    return !bool('not', a[0]);
  },
  true: (a) => (arity('true', a, 0), true),
  false: (a) => (arity('false', a, 0), false),
  null: (a) => (arity('null', a, 0), null),
  bool: (a) => {
    arity('bool', a, 1);
    const v = a[0];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') {
      const l = v.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
    }
    throw fnError('bool', `cannot convert ${JSON.stringify(v)} to a boolean`);
  },
  // ---------- numeric
  add: (a) => (arity('add', a, 2), int('add', a[0]) + int('add', a[1])),
  sub: (a) => (arity('sub', a, 2), int('sub', a[0]) - int('sub', a[1])),
  mul: (a) => (arity('mul', a, 2), int('mul', a[0]) * int('mul', a[1])),
  div: (a) => {
    arity('div', a, 2);
    const d = int('div', a[1]);
    if (d === 0) throw fnError('div', 'division by zero');
    return Math.trunc(int('div', a[0]) / d);
  },
  mod: (a) => {
    arity('mod', a, 2);
    const d = int('mod', a[1]);
    if (d === 0) throw fnError('mod', 'division by zero');
    const r = int('mod', a[0]) % d;
    return r === 0 ? 0 : r;
  },
  int: (a) => {
    arity('int', a, 1);
    const v = a[0];
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
    throw fnError('int', `cannot convert ${JSON.stringify(v)} to an integer`);
  },
  float: (a) => {
    arity('float', a, 1);
    const v = a[0];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
    throw fnError('float', `cannot convert ${JSON.stringify(v)} to a number`);
  },
  // ---------- object
  json: (a) => {
    arity('json', a, 1);
    return parseJson('json', str('json', a[0]));
  },
  // ---------- string
  base64: (a) => (arity('base64', a, 1), utf8ToBase64(str('base64', a[0]))),
  base64tostring: (a) => (arity('base64ToString', a, 1), base64ToUtf8('base64ToString', str('base64ToString', a[0]))),
  base64tojson: (a) => {
    arity('base64ToJson', a, 1);
    return parseJson('base64ToJson', base64ToUtf8('base64ToJson', str('base64ToJson', a[0])));
  },
  datauri: (a) => (arity('dataUri', a, 1), `data:text/plain;charset=utf8;base64,${utf8ToBase64(typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0]))}`),
  datauritostring: (a) => {
    arity('dataUriToString', a, 1);
    const m = /^data:[^,]*?(;base64)?,(.*)$/s.exec(str('dataUriToString', a[0]));
    if (!m) throw fnError('dataUriToString', 'argument is not a data URI');
    return m[1] ? base64ToUtf8('dataUriToString', m[2]!) : decodeURIComponent(m[2]!);
  },
  endswith: (a) => (arity('endsWith', a, 2), fold(str('endsWith', a[0])).endsWith(fold(str('endsWith', a[1])))),
  startswith: (a) => (arity('startsWith', a, 2), fold(str('startsWith', a[0])).startsWith(fold(str('startsWith', a[1])))),
  format: (a) => {
    arity('format', a, 1, Infinity);
    return dotnetFormat(str('format', a[0], 'format string'), a.slice(1));
  },
  padleft: (a) => {
    arity('padLeft', a, 2, 3);
    const v = a[0];
    const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : str('padLeft', v);
    const width = int('padLeft', a[1], 'totalLength');
    const ch = a.length === 3 ? str('padLeft', a[2], 'paddingCharacter') : ' ';
    if (ch.length !== 1) throw fnError('padLeft', 'paddingCharacter must be one character');
    return s.length >= width ? s : ch.repeat(width - s.length) + s;
  },
  replace: (a) => {
    arity('replace', a, 3);
    return str('replace', a[0]).split(str('replace', a[1], 'oldString')).join(str('replace', a[2], 'newString'));
  },
  split: (a) => {
    arity('split', a, 2);
    const s = a[0];
    if (s === null) return [];
    const text = str('split', s);
    const delims = Array.isArray(a[1]) ? a[1].map((d) => str('split', d, 'delimiter')) : [str('split', a[1], 'delimiter')];
    const usable = delims.filter((d) => d !== '');
    if (usable.length === 0) return [text];
    const out: string[] = [];
    let cur = '';
    let i = 0;
    outer: while (i < text.length) {
      for (const d of usable) {
        if (text.startsWith(d, i)) {
          out.push(cur);
          cur = '';
          i += d.length;
          continue outer;
        }
      }
      cur += text[i];
      i++;
    }
    out.push(cur);
    return out;
  },
  join: (a) => {
    arity('join', a, 2);
    const delim = str('join', a[1], 'delimiter');
    return arr('join', a[0])
      .map((x) => (x === null ? 'null' : typeof x === 'object' ? JSON.stringify(x) : String(x)))
      .join(delim);
  },
  string: (a) => {
    arity('string', a, 1);
    const v = a[0];
    if (typeof v === 'string') return v;
    if (v === null) return 'null';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  },
  substring: (a) => {
    arity('substring', a, 2, 3);
    const s = str('substring', a[0]);
    const start = int('substring', a[1], 'startIndex');
    const len = a.length === 3 ? int('substring', a[2], 'length') : s.length - start;
    // Learn's canonical runtime-error example: out-of-range substring fails the evaluation.
    if (start < 0 || start > s.length || len < 0 || start + len > s.length) {
      throw fnError('substring', `startIndex ${start} and length ${len} are out of range for a string of length ${s.length}`);
    }
    return s.slice(start, start + len);
  },
  tolower: (a) => (arity('toLower', a, 1), str('toLower', a[0]).toLowerCase()),
  toupper: (a) => (arity('toUpper', a, 1), str('toUpper', a[0]).toUpperCase()),
  trim: (a) => (arity('trim', a, 1), str('trim', a[0]).trim()),
  uri: (a) => (arity('uri', a, 2), resolveUri(str('uri', a[0], 'baseUri'), str('uri', a[1], 'relativeUri'))),
  uricomponent: (a) => (arity('uriComponent', a, 1), encodeURIComponent(str('uriComponent', a[0]))),
  uricomponenttostring: (a) => {
    arity('uriComponentToString', a, 1);
    try {
      return decodeURIComponent(str('uriComponentToString', a[0]));
    } catch {
      throw fnError('uriComponentToString', 'argument is not URI-encoded');
    }
  },
  // ---------- date and network
  utcnow: (a, env) => {
    arity('utcNow', a, 0, 1);
    if (a.length === 0 && env.nowText !== undefined) return env.nowText;
    const now = env.now();
    if (a.length === 1) return formatDateWith({ ms: now.getTime(), offset: null, frac: String(now.getUTCMilliseconds()).padStart(3, '0') }, str('utcNow', a[0]));
    return ISO_NOW(now);
  },
  adddays: (a) => {
    arity('addDays', a, 2);
    const d = dateArg('addDays', a[0]);
    const n = int('addDays', a[1], 'days');
    return formatDate({ ...d, ms: d.ms + n * 86_400_000 });
  },
  datetimeadd: (a) => {
    arity('dateTimeAdd', a, 2, 3);
    const d = dateArg('dateTimeAdd', a[0]);
    const dur = typeof a[1] === 'string' ? parseDuration(a[1]) : undefined;
    if (dur === undefined) throw fnError('dateTimeAdd', `${JSON.stringify(a[1])} is not an ISO 8601 duration`);
    const out = { ...d, ms: d.ms + dur };
    if (a.length === 3) {
      try {
        return formatDateWith(out, str('dateTimeAdd', a[2], 'format'));
      } catch (e) {
        throw fnError('dateTimeAdd', (e as Error).message);
      }
    }
    return formatDate(out);
  },
  datetimefromepoch: (a) => {
    arity('dateTimeFromEpoch', a, 1);
    const n = int('dateTimeFromEpoch', a[0], 'epochTime');
    return formatDate({ ms: n * 1000, offset: null, frac: '' });
  },
  datetimetoepoch: (a) => {
    arity('dateTimeToEpoch', a, 1);
    return Math.floor(dateArg('dateTimeToEpoch', a[0]).ms / 1000);
  },
  iprangecontains: (a) => {
    arity('ipRangeContains', a, 2);
    return ipRangeContains(str('ipRangeContains', a[0], 'range'), str('ipRangeContains', a[1], 'target'));
  },
  guid: () => {
    throw fnError('guid', 'not supported offline');
  },
  uniquestring: () => {
    throw fnError('uniqueString', 'not supported offline');
  },
};

function minMax(name: string, a: unknown[], better: (x: number, y: number) => boolean): number {
  const list = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
  if (list.length === 0) throw fnError(name, 'needs at least one value');
  let best: number | undefined;
  for (const v of list) {
    const n = int(name, v);
    if (best === undefined || better(n, best)) best = n;
  }
  return best!;
}

/** Template-function ordering: numbers with numbers, strings with strings (ordinal, case-sensitive). */
function ordered(name: string, a: unknown[]): number {
  arity(name, a, 2);
  const [x, y] = a;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  throw fnError(name, `cannot compare ${typeName(x)} with ${typeName(y)}`);
}
