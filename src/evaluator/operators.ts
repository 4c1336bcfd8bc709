/**
 * Condition operators (Learn, "definition structure policy rule", Conditions), with the missing/null model of
 * the semantics note §5: `undefined` = the field is missing, `null` = present null (compared as ""). Every
 * string comparison folds case except match/notMatch.
 */
import { compareIgnoreCase, equalsIgnoreCase, fold } from './case-fold.js';
import { parseDate } from './dates.js';
import { EvaluationError, EvaluatorCode } from './errors.js';
import { conditionString, hasProp, isObject, looseEquals, typeName } from './values.js';

export const OPERATORS = [
  'equals', 'notequals', 'like', 'notlike', 'match', 'notmatch', 'matchinsensitively', 'notmatchinsensitively',
  'contains', 'notcontains', 'in', 'notin', 'containskey', 'notcontainskey', 'less', 'lessorequals', 'greater',
  'greaterorequals', 'exists',
] as const;
export type OperatorName = (typeof OPERATORS)[number];

/** Canonical spelling for messages. */
export const OPERATOR_SPELLING: Record<OperatorName, string> = {
  equals: 'equals', notequals: 'notEquals', like: 'like', notlike: 'notLike', match: 'match', notmatch: 'notMatch',
  matchinsensitively: 'matchInsensitively', notmatchinsensitively: 'notMatchInsensitively', contains: 'contains',
  notcontains: 'notContains', in: 'in', notin: 'notIn', containskey: 'containsKey', notcontainskey: 'notContainsKey',
  less: 'less', lessorequals: 'lessOrEquals', greater: 'greater', greaterorequals: 'greaterOrEquals', exists: 'exists',
};

export interface OperatorOptions {
  /** A20: `?` in like patterns: literal (Learn names only `*`) or a one-character wildcard (regorus). */
  readonly likeQuestionMark: 'literal' | 'wildcard';
  /** A21: equals on a number and a numeric string: compare string forms (linter) or parse (regorus). */
  readonly numericEquality: 'string' | 'numeric';
  /** A22/A16: ordering a number against a string: error (Learn) or parse numeric strings (regorus). */
  readonly orderingMismatch: 'error' | 'coerce';
  /** A9: ISO date strings order by instant when both parse. */
  readonly dateOrdering: boolean;
}

export type OperatorFn = (left: unknown, right: unknown, o: OperatorOptions) => boolean;

function mismatch(op: string, left: unknown, right: unknown): EvaluationError {
  return new EvaluationError(
    EvaluatorCode.typeMismatch,
    `${op}: cannot compare ${typeName(left)} ${preview(left)} with ${typeName(right)} ${preview(right)}`,
    { hint: 'ordering operators need two numbers or two strings (Learn: a type mismatch is an error, which denies the request)' },
  );
}

export function preview(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function eq(l: unknown, r: unknown, o: OperatorOptions): boolean {
  if (l === undefined) return r === null || r === undefined;
  if (o.numericEquality === 'numeric') {
    const nl = numericOf(l);
    const nr = numericOf(r);
    if (nl !== undefined && nr !== undefined && (typeof l === 'number' || typeof r === 'number')) return nl === nr;
  }
  return looseEquals(l, r);
}

function numericOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/**
 * A like pattern split at its `*`s, folded once. Matching never backtracks (issue 11: `a*a*a*a*a*a*a*a*b` as a
 * backtracking regex took more than 30 s on a 64-character name): the first part must be a prefix, the last a
 * suffix, and each middle part is taken at its leftmost position after the previous one. Leftmost is always
 * safe for `*` (it leaves the most room to the rest), so one left-to-right pass decides; the cost is at most
 * the value's length times the pattern's, with no dependence on how many `*` there are.
 */
interface LikePattern {
  readonly parts: readonly string[];
  /** A20 option 'wildcard': `?` matches any one character (one UTF-16 unit, as `.` in the former regex). */
  readonly question: boolean;
}

const likeCache = new Map<string, LikePattern>();
function likePattern(pattern: string, q: 'literal' | 'wildcard'): LikePattern {
  const key = q + '\u0000' + pattern;
  let p = likeCache.get(key);
  if (!p) {
    const folded = fold(pattern);
    p = { parts: folded.split('*'), question: q === 'wildcard' && folded.includes('?') };
    if (likeCache.size > 5000) likeCache.clear();
    likeCache.set(key, p);
  }
  return p;
}

/** `part` occurs in `s` at `at` (`?` is any character when `question`). */
function partAt(s: string, part: string, at: number, question: boolean): boolean {
  if (!question) return s.startsWith(part, at);
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== s.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost position >= from where `part` occurs in `s`, or -1. */
function findPart(s: string, part: string, from: number, question: boolean): number {
  if (!question) return s.indexOf(part, from);
  for (let i = from; i + part.length <= s.length; i++) if (partAt(s, part, i, true)) return i;
  return -1;
}

function likeMatches(value: string, pattern: LikePattern): boolean {
  const { parts, question } = pattern;
  const first = parts[0]!;
  if (parts.length === 1) return value.length === first.length && partAt(value, first, 0, question);
  const last = parts[parts.length - 1]!;
  const end = value.length - last.length;
  if (end < first.length || !partAt(value, first, 0, question) || !partAt(value, last, end, question)) return false;
  let pos = first.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k]!;
    if (part === '') continue;
    const at = findPart(value, part, pos, question);
    if (at === -1 || at + part.length > end) return false;
    pos = at + part.length;
  }
  return true;
}

function like(l: unknown, r: unknown, o: OperatorOptions): boolean {
  if (l === undefined) return false;
  const s = conditionString(l);
  const p = conditionString(r);
  if (s === undefined || p === undefined) return false;
  return likeMatches(fold(s), likePattern(p, o.likeQuestionMark));
}

/**
 * match/matchInsensitively compare one pattern character with one value character (`#` digit, `?` letter, `.`
 * any), so they are linear by construction: no regular expression is built from a pattern.
 */
const ASCII_LETTER = /[A-Za-z]/;
const DIGIT = /[0-9]/;
function match(l: unknown, r: unknown, insensitive: boolean): boolean {
  if (l === undefined) return false;
  const s = conditionString(l);
  const p = conditionString(r);
  if (s === undefined || p === undefined) return false;
  const a = [...s];
  const b = [...p];
  // Whole value, one pattern character per value character (A6).
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) {
    const pc = b[i]!;
    const c = a[i]!;
    if (pc === '#') {
      if (!DIGIT.test(c)) return false;
    } else if (pc === '?') {
      if (!ASCII_LETTER.test(c)) return false;
    } else if (pc === '.') {
      continue;
    } else if (insensitive ? !equalsIgnoreCase(pc, c) : pc !== c) return false;
  }
  return true;
}

function contains(l: unknown, r: unknown, o: OperatorOptions): boolean {
  if (l === undefined) return false;
  if (Array.isArray(l)) return l.some((x) => eq(x, r, o));
  if (isObject(l)) {
    const k = conditionString(r);
    return k !== undefined && hasProp(l, k);
  }
  const s = conditionString(l);
  const t = conditionString(r);
  if (s === undefined || t === undefined) return false;
  return fold(s).includes(fold(t));
}

function inList(l: unknown, r: unknown, o: OperatorOptions, op: string): boolean {
  if (!Array.isArray(r)) {
    throw new EvaluationError(EvaluatorCode.typeMismatch, `${op}: the value must be an array, got ${typeName(r)}`, {
      hint: 'use a literal array or an Array parameter',
    });
  }
  if (l === undefined) return r.some((x) => x === null);
  return r.some((x) => eq(l, x, o));
}

function containsKey(l: unknown, r: unknown): boolean {
  if (!isObject(l)) return false;
  const k = conditionString(r);
  return k !== undefined && hasProp(l, k);
}

function existsTarget(r: unknown): boolean {
  if (typeof r === 'boolean') return r;
  if (typeof r === 'string') {
    const l = r.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  throw new EvaluationError(EvaluatorCode.typeMismatch, `exists: the value must be true or false, got ${preview(r)}`);
}

function compare(op: string, l: unknown, r: unknown, o: OperatorOptions): number | undefined {
  // A2: a missing field with an ordering operator is false (regorus), not an error.
  if (l === undefined || l === null) return undefined;
  if (r === null || r === undefined) {
    throw new EvaluationError(EvaluatorCode.typeMismatch, `${op}: the value to compare with is null`, {
      hint: 'guard tryGet/parameters with coalesce() (Azure Policy linter: unguarded-tryget-operator-value)',
    });
  }
  if (typeof l === 'number' && typeof r === 'number') return l - r;
  if (typeof l === 'string' && typeof r === 'string') {
    if (o.dateOrdering) {
      const dl = parseDate(l);
      const dr = dl && parseDate(r);
      if (dl && dr) return dl.ms - dr.ms;
    }
    return compareIgnoreCase(l, r);
  }
  if (o.orderingMismatch === 'coerce') {
    const nl = numericOf(l);
    const nr = numericOf(r);
    if (nl !== undefined && nr !== undefined) return nl - nr;
  }
  throw mismatch(op, l, r);
}

export const OPERATOR_FNS: Record<OperatorName, OperatorFn> = {
  equals: (l, r, o) => eq(l, r, o),
  notequals: (l, r, o) => !eq(l, r, o),
  like: (l, r, o) => like(l, r, o),
  notlike: (l, r, o) => !like(l, r, o),
  match: (l, r) => match(l, r, false),
  notmatch: (l, r) => !match(l, r, false),
  matchinsensitively: (l, r) => match(l, r, true),
  notmatchinsensitively: (l, r) => !match(l, r, true),
  contains: (l, r, o) => contains(l, r, o),
  notcontains: (l, r, o) => !contains(l, r, o),
  in: (l, r, o) => inList(l, r, o, 'in'),
  notin: (l, r, o) => !inList(l, r, o, 'notIn'),
  containskey: (l, r) => containsKey(l, r),
  notcontainskey: (l, r) => !containsKey(l, r),
  less: (l, r, o) => {
    const c = compare('less', l, r, o);
    return c !== undefined && c < 0;
  },
  lessorequals: (l, r, o) => {
    const c = compare('lessOrEquals', l, r, o);
    return c !== undefined && c <= 0;
  },
  greater: (l, r, o) => {
    const c = compare('greater', l, r, o);
    return c !== undefined && c > 0;
  },
  greaterorequals: (l, r, o) => {
    const c = compare('greaterOrEquals', l, r, o);
    return c !== undefined && c >= 0;
  },
  exists: (l, r) => (l !== undefined && l !== null) === existsTarget(r),
};

export function lookupOperator(key: string): OperatorName | undefined {
  const k = key.toLowerCase();
  return (OPERATORS as readonly string[]).includes(k) ? (k as OperatorName) : undefined;
}
