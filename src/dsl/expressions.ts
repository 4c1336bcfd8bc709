/**
 * Template-language expressions as data. Authors build them with typed helpers (`fn.concat(...)`,
 * `p.effect`, `field('...')`) and the compiler renders them to the "[...]" strings Azure Policy expects.
 *
 * Each expression carries a phantom result kind so that, for example, an Array parameter cannot be
 * compared with `equals` (Azure rejects that at PUT time: "Evaluation result of language expression ... is
 * type 'Array', expected type is 'String'", see policy-semantics.md §2).
 */
import type { JsonValue } from '../compiler/canonical-json.js';

/** Result kind of an expression. 'unknown' is what field()/current()/tryGet() give: it fits anywhere. */
export type ExprKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'unknown';

export type ExprNode =
  | { readonly t: 'call'; readonly name: string; readonly args: readonly ExprNode[] }
  | { readonly t: 'lit'; readonly value: string | number | boolean | null }
  | { readonly t: 'prop'; readonly target: ExprNode; readonly name: string }
  | { readonly t: 'index'; readonly target: ExprNode; readonly index: ExprNode }
  /** A raw "[...]" string written by the author: parsed and checked by the compiler. */
  | { readonly t: 'raw'; readonly text: string };

export class Expr<K extends ExprKind = ExprKind> {
  readonly kind = 'expr' as const;
  /** Phantom: the result kind, only for the type checker. */
  declare readonly __resultKind: K;
  constructor(readonly node: ExprNode) {}

  /** Property access: `current('rule').priority`, `resourceGroup().tags`. */
  prop(name: string): Expr<'unknown'> {
    return new Expr<'unknown'>({ t: 'prop', target: this.node, name });
  }

  /** Index access: `parameters('map')[field('location')]`, `split(x, '/')[2]`. */
  at(index: Arg<'string' | 'number'>): Expr<'unknown'> {
    return new Expr<'unknown'>({ t: 'index', target: this.node, index: toNode(index) });
  }
}

/** What a function argument of kind K accepts: a literal of that kind or an expression that yields it. */
export type Arg<K extends ExprKind> = LiteralOf<K> | Expr<K | 'unknown'>;
export type AnyArg = JsonValue | Expr;

type LiteralOf<K extends ExprKind> = K extends 'string'
  ? string
  : K extends 'number'
    ? number
    : K extends 'boolean'
      ? boolean
      : K extends 'array'
        ? readonly JsonValue[]
        : K extends 'object'
          ? { readonly [key: string]: JsonValue }
          : JsonValue;

/** Lifts a literal or expression into an expression node (arrays -> createArray, objects -> createObject). */
export function toNode(value: unknown): ExprNode {
  if (value instanceof Expr) return value.node;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { t: 'lit', value };
  }
  if (Array.isArray(value)) return { t: 'call', name: 'createArray', args: value.map(toNode) };
  if (typeof value === 'object') {
    const args: ExprNode[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      args.push({ t: 'lit', value: k }, toNode(v));
    }
    return { t: 'call', name: 'createObject', args };
  }
  throw new TypeError(`cannot use a ${typeof value} in a policy expression`);
}

function call<K extends ExprKind>(name: string, ...args: readonly unknown[]): Expr<K> {
  return new Expr<K>({ t: 'call', name, args: args.map(toNode) });
}

/** Renders a string literal the way the ARM expression language writes it: single quotes, '' escapes. */
function renderStringLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Renders an expression node to its text without the surrounding brackets. */
export function renderNode(node: ExprNode): string {
  switch (node.t) {
    case 'lit':
      if (typeof node.value === 'string') return renderStringLiteral(node.value);
      // The expression language has no boolean/null literals: true(), false() and null() are functions.
      if (node.value === null) return 'null()';
      if (typeof node.value === 'boolean') return node.value ? 'true()' : 'false()';
      if (!Number.isInteger(node.value)) {
        // Only integer literals exist in the grammar; a float goes through json().
        return `json('${String(node.value)}')`;
      }
      return String(node.value);
    case 'call':
      return `${node.name}(${node.args.map(renderNode).join(', ')})`;
    case 'prop':
      return `${renderNode(node.target)}.${node.name}`;
    case 'index':
      return `${renderNode(node.target)}[${renderNode(node.index)}]`;
    case 'raw': {
      // A raw "[...]" string nested inside a built expression: splice its inner text.
      const t = node.text;
      return t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
    }
  }
}

/** The "[...]" string Azure Policy reads for this expression. */
export function renderExpr(e: Expr): string {
  return `[${renderNode(e.node)}]`;
}

/** A raw "[...]" template expression. The compiler parses it and checks functions and parameters. */
export function expr<K extends ExprKind = 'unknown'>(text: `[${string}]`): Expr<K> {
  return new Expr<K>({ t: 'raw', text });
}

/** A literal string that starts with "[" (rendered "[[..." so Azure does not read it as an expression). */
export function literal(text: string): Literal {
  return new Literal(text);
}
export class Literal {
  readonly kind = 'literal' as const;
  constructor(readonly text: string) {}
}

type S = Arg<'string'>;
type N = Arg<'number'>;
type B = Arg<'boolean'>;
type A = Arg<'array'>;
type O = Arg<'object'>;
type StrOrArr = Arg<'string' | 'array'>;

/**
 * Template functions available in policy rules (Learn "definition-structure-policy-rule", Policy functions:
 * every ARM function except the excluded ones listed in policy-semantics.md §6). Context functions
 * (parameters, field, current) come from the rule context, because they are typed by the control.
 */
export const fn = {
  // strings
  concat: (...args: readonly (S | A)[]) => call<'string'>('concat', ...args),
  format: (formatString: S, ...args: readonly AnyArg[]) => call<'string'>('format', formatString, ...args),
  toLower: (s: S) => call<'string'>('toLower', s),
  toUpper: (s: S) => call<'string'>('toUpper', s),
  trim: (s: S) => call<'string'>('trim', s),
  substring: (s: S, start: N, length?: N) =>
    length === undefined ? call<'string'>('substring', s, start) : call<'string'>('substring', s, start, length),
  replace: (s: S, oldValue: S, newValue: S) => call<'string'>('replace', s, oldValue, newValue),
  split: (s: S, delimiter: S | A) => call<'array'>('split', s, delimiter),
  join: (arr: A, delimiter: S) => call<'string'>('join', arr, delimiter),
  indexOf: (s: S, find: S) => call<'number'>('indexOf', s, find),
  lastIndexOf: (s: S, find: S) => call<'number'>('lastIndexOf', s, find),
  startsWith: (s: S, find: S) => call<'boolean'>('startsWith', s, find),
  endsWith: (s: S, find: S) => call<'boolean'>('endsWith', s, find),
  padLeft: (s: S | N, totalLength: N, padding?: S) =>
    padding === undefined ? call<'string'>('padLeft', s, totalLength) : call<'string'>('padLeft', s, totalLength, padding),
  base64: (s: S) => call<'string'>('base64', s),
  base64ToString: (s: S) => call<'string'>('base64ToString', s),
  uri: (base: S, relative: S) => call<'string'>('uri', base, relative),
  uriComponent: (s: S) => call<'string'>('uriComponent', s),
  guid: (...parts: readonly S[]) => call<'string'>('guid', ...parts),
  uniqueString: (...parts: readonly S[]) => call<'string'>('uniqueString', ...parts),
  // collections
  length: (x: StrOrArr | O) => call<'number'>('length', x),
  empty: (x: StrOrArr | O) => call<'boolean'>('empty', x),
  contains: (container: StrOrArr | O, item: AnyArg) => call<'boolean'>('contains', container, item),
  first: (x: StrOrArr) => call<'unknown'>('first', x),
  last: (x: StrOrArr) => call<'unknown'>('last', x),
  take: (x: StrOrArr, n: N) => call<'unknown'>('take', x, n),
  skip: (x: StrOrArr, n: N) => call<'unknown'>('skip', x, n),
  union: (...xs: readonly (A | O)[]) => call<'unknown'>('union', ...xs),
  intersection: (...xs: readonly (A | O)[]) => call<'unknown'>('intersection', ...xs),
  createArray: (...items: readonly AnyArg[]) => call<'array'>('createArray', ...items),
  createObject: (...keyValues: readonly AnyArg[]) => call<'object'>('createObject', ...keyValues),
  range: (start: N, count: N) => call<'array'>('range', start, count),
  min: (...xs: readonly (N | A)[]) => call<'number'>('min', ...xs),
  max: (...xs: readonly (N | A)[]) => call<'number'>('max', ...xs),
  coalesce: (...xs: readonly AnyArg[]) => call<'unknown'>('coalesce', ...xs),
  /** Safe property lookup: null when the first key is missing (guard it, see policy-semantics.md §5.4). */
  tryGet: (obj: O | A, ...keys: readonly (S | N)[]) => call<'unknown'>('tryGet', obj, ...keys),
  items: (obj: O) => call<'array'>('items', obj),
  // logic and comparison (template functions, not condition operators)
  if: <K extends ExprKind>(condition: B, whenTrue: Arg<K>, whenFalse: Arg<K>) =>
    call<K>('if', condition, whenTrue, whenFalse),
  and: (a: B, b: B, ...more: readonly B[]) => call<'boolean'>('and', a, b, ...more),
  or: (a: B, b: B, ...more: readonly B[]) => call<'boolean'>('or', a, b, ...more),
  not: (a: B) => call<'boolean'>('not', a),
  /** Deep, case-sensitive equality (unlike the `equals` condition operator). */
  equals: (a: AnyArg, b: AnyArg) => call<'boolean'>('equals', a, b),
  less: (a: S | N, b: S | N) => call<'boolean'>('less', a, b),
  lessOrEquals: (a: S | N, b: S | N) => call<'boolean'>('lessOrEquals', a, b),
  greater: (a: S | N, b: S | N) => call<'boolean'>('greater', a, b),
  greaterOrEquals: (a: S | N, b: S | N) => call<'boolean'>('greaterOrEquals', a, b),
  true: () => call<'boolean'>('true'),
  false: () => call<'boolean'>('false'),
  null: () => call<'unknown'>('null'),
  // numbers
  add: (a: N, b: N) => call<'number'>('add', a, b),
  sub: (a: N, b: N) => call<'number'>('sub', a, b),
  mul: (a: N, b: N) => call<'number'>('mul', a, b),
  div: (a: N, b: N) => call<'number'>('div', a, b),
  mod: (a: N, b: N) => call<'number'>('mod', a, b),
  // conversions
  int: (x: S | N) => call<'number'>('int', x),
  float: (x: S | N) => call<'number'>('float', x),
  string: (x: AnyArg) => call<'string'>('string', x),
  bool: (x: S | N | B) => call<'boolean'>('bool', x),
  json: (x: S) => call<'unknown'>('json', x),
  array: (x: AnyArg) => call<'array'>('array', x),
  // dates (policy-specific: utcNow is allowed anywhere in a rule, addDays exists only in Policy)
  utcNow: (format?: S) => (format === undefined ? call<'string'>('utcNow') : call<'string'>('utcNow', format)),
  addDays: (dateTime: S, days: N) => call<'string'>('addDays', dateTime, days),
  // networking
  ipRangeContains: (range: S, target: S) => call<'boolean'>('ipRangeContains', range, target),
  // context
  resourceGroup: () => call<'object'>('resourceGroup'),
  subscription: () => call<'object'>('subscription'),
  /** requestContext().apiVersion, requestContext().identity (claims; enforcement only). */
  requestContext: () => call<'object'>('requestContext'),
  policy: () => call<'object'>('policy'),
} as const;


/** `current()` / `current('name')`: the array member under evaluation inside a count's `where`. */
export function current(name?: string): Expr<'unknown'> {
  return name === undefined ? call<'unknown'>('current') : call<'unknown'>('current', name);
}
